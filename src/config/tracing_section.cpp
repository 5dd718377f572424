// The top-level `tracing` section: where OTLP/HTTP JSON spans go, how many
// requests are traced, and the exporter's batching, queue and timeouts.
#include <algorithm>

#include "config/address.h"
#include "config/header_syntax.h"
#include "config/sections.h"

namespace centinela::config {

std::string parse_otlp_endpoint(std::string_view url, TracingConfig& out) {
  constexpr std::string_view kScheme = "http://";
  const std::string example = " (expected http://host:port/v1/traces)";
  if (url.starts_with("https://")) {
    return "https is not supported; send to an http:// collector (an OpenTelemetry "
           "Collector beside the gateway forwards over TLS)";
  }
  if (!url.starts_with(kScheme)) return "bad otlp_endpoint '" + std::string(url) + "'" + example;
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find('#') != std::string_view::npos) return "a fragment is not allowed" + example;
  const std::size_t path_start = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != std::string_view::npos) {
    return "credentials in the url are not supported; use tracing.headers" + example;
  }
  auto endpoint = parse_endpoint(authority, std::uint16_t{80});
  if (!endpoint.value) return endpoint.error + example;
  std::string path =
      path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (path.front() == '?') path.insert(0, "/");
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "the url's path may not hold spaces or control characters" + example;
    }
  }
  out.otlp_endpoint = std::string(url);
  out.collector = {endpoint.value->host, endpoint.value->port, endpoint.value->text};
  out.path = std::move(path);
  return {};
}

namespace {

void read_batch(ErrorList& errors, const YAML::Node& node, const std::string& path,
                TracingConfig& out) {
  MapFields fields(errors, node, path, {"max_spans", "interval"});
  fields.read("max_spans", out.batch_max_spans, 1, 100'000);
  fields.read_duration("interval", out.batch_interval, /*must_be_positive=*/true);
}

// Fields the exporter writes itself: another value would break the request.
bool is_export_framing_field(std::string_view name) {
  for (std::string_view own :
       {"host", "content-length", "content-type", "connection", "transfer-encoding", "te",
        "trailer", "upgrade", "keep-alive", "expect"}) {
    if (name.size() == own.size() &&
        std::equal(name.begin(), name.end(), own.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
        })) {
      return true;
    }
  }
  return false;
}

void read_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                  TracingConfig& out) {
  if (!node.IsMap()) {
    errors.add(node, path + ": expected a map of header names to values");
    return;
  }
  for (const auto& entry : node) {
    const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (!is_header_name(name)) {
      errors.add(entry.first, path + ": '" + name + "' is not a header name");
      continue;
    }
    if (is_export_framing_field(name)) {
      errors.add(entry.first, path + ": '" + name + "' is set by the gateway on every export");
      continue;
    }
    if (!entry.second.IsScalar() || !is_header_value(entry.second.Scalar())) {
      errors.add(entry.second, path + "." + name + ": expected a header value on one line");
      continue;
    }
    out.headers.push_back({name, entry.second.Scalar()});
  }
}

}  // namespace

void read_tracing(ErrorList& errors, const YAML::Node& node, TracingConfig& out) {
  // `tracing:` alone, or `tracing: on`: the defaults (a collector beside the gateway).
  if (!node.IsNull() && !is_switched_on(node)) {
    MapFields fields(errors, node, "tracing",
                     {"otlp_endpoint", "sample_ratio", "service_name", "batch", "max_queue",
                      "timeout", "headers"});
    if (const YAML::Node* url = fields.find("otlp_endpoint")) {
      if (auto text = read_string(errors, *url, "tracing.otlp_endpoint")) {
        if (std::string problem = parse_otlp_endpoint(*text, out); !problem.empty()) {
          errors.add(*url, "tracing.otlp_endpoint: " + problem);
        }
      }
    }
    fields.read_number("sample_ratio", out.sample_ratio, 0.0, 1.0);
    if (fields.read("service_name", out.service_name) && out.service_name.empty()) {
      errors.add(*fields.find("service_name"), "tracing.service_name: may not be empty");
    }
    fields.read_section("batch", read_batch, out);
    fields.read("max_queue", out.max_queue, 1, 100'000);
    fields.read_duration("timeout", out.timeout, /*must_be_positive=*/true);
    fields.read_section("headers", read_headers, out);
  }
}

}  // namespace centinela::config
