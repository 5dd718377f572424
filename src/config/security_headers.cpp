#include <algorithm>

#include "config/ascii.h"
#include "config/header_syntax.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

// Config keys for the headers a route may override, in snake_case.
struct HeaderKey {
  std::string_view key;
  std::string_view header;
};

constexpr HeaderKey kHeaderKeys[] = {
    {"content_security_policy", "Content-Security-Policy"},
    {"cross_origin_embedder_policy", "Cross-Origin-Embedder-Policy"},
    {"cross_origin_opener_policy", "Cross-Origin-Opener-Policy"},
    {"cross_origin_resource_policy", "Cross-Origin-Resource-Policy"},
    {"origin_agent_cluster", "Origin-Agent-Cluster"},
    {"referrer_policy", "Referrer-Policy"},
    {"strict_transport_security", "Strict-Transport-Security"},
    {"x_content_type_options", "X-Content-Type-Options"},
    {"x_dns_prefetch_control", "X-DNS-Prefetch-Control"},
    {"x_download_options", "X-Download-Options"},
    {"x_frame_options", "X-Frame-Options"},
    {"x_permitted_cross_domain_policies", "X-Permitted-Cross-Domain-Policies"},
    {"x_xss_protection", "X-XSS-Protection"},
};

// Only an unquoted `false` drops a header: `off` is a real value of
// X-DNS-Prefetch-Control, and a quoted "false" is text.
bool is_plain_false(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!" && lower_scalar(node) == "false";
}

void set_header(std::vector<HeaderValue>& headers, std::string_view name,
                std::optional<std::string> value) {
  auto it = std::find_if(headers.begin(), headers.end(),
                         [&](const HeaderValue& header) { return header.name == name; });
  if (!value) {
    if (it != headers.end()) headers.erase(it);
  } else if (it != headers.end()) {
    it->value = std::move(*value);
  } else {
    headers.push_back({std::string(name), std::move(*value)});
  }
}

void read_preset(ErrorList& errors, MapFields& fields, SecurityHeadersConfig& out) {
  const YAML::Node* preset = fields.find("preset");
  std::string name = preset ? lower_scalar(*preset) : "default";
  if (name == "default") {
    out.headers = default_security_headers();
  } else if (name == "none") {
    out.headers.clear();
  } else {
    errors.add(*preset,
               fields.path_of("preset") + ": expected default or none, got " + describe(*preset));
  }
}

void read_remove_list(ErrorList& errors, MapFields& fields, SecurityHeadersConfig& out) {
  const YAML::Node* remove = fields.find("remove");
  if (!remove) return;
  auto names = read_string_list(errors, *remove, fields.path_of("remove"));
  if (!names) return;
  out.remove.clear();
  for (const std::string& name : *names) {
    if (is_header_name(name)) {
      out.remove.push_back(ascii_lower(name));
    } else {
      errors.add(*remove, fields.path_of("remove") + ": '" + name + "' is not a header name");
    }
  }
}

std::vector<std::string_view> known_keys() {
  std::vector<std::string_view> keys = {"preset", "remove"};
  for (const HeaderKey& entry : kHeaderKeys) keys.push_back(entry.key);
  return keys;
}

}  // namespace

std::vector<HeaderValue> default_security_headers() {
  // Helmet 7's defaults, in the order Helmet sends them.
  return {
      {"Content-Security-Policy",
       "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action "
       "'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src "
       "'self';script-src-attr 'none';style-src 'self' https: "
       "'unsafe-inline';upgrade-insecure-requests"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Origin-Agent-Cluster", "?1"},
      {"Referrer-Policy", "no-referrer"},
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-DNS-Prefetch-Control", "off"},
      {"X-Download-Options", "noopen"},
      {"X-Frame-Options", "SAMEORIGIN"},
      {"X-Permitted-Cross-Domain-Policies", "none"},
      {"X-XSS-Protection", "0"},
  };
}

void read_security_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                           SecurityHeadersConfig& out) {
  if (is_switched_off(node)) {
    out.enabled = false;
    out.headers.clear();
    return;
  }
  if (node.IsScalar()) {
    std::string preset = lower_scalar(node);
    if (preset == "default" || preset == "true" || preset == "on") {
      out.headers = default_security_headers();
    } else if (preset == "none") {
      out.headers.clear();
    } else {
      errors.add(node, path + ": expected default, none, off or a map of headers, got " +
                           describe(node) + did_you_mean(preset, {"default", "none", "off"}));
    }
    return;
  }
  MapFields fields(errors, node, path, known_keys());
  if (!fields.is_map()) return;
  read_preset(errors, fields, out);
  for (const HeaderKey& entry : kHeaderKeys) {
    const YAML::Node* value = fields.find(entry.key);
    if (!value) continue;
    const std::string value_path = fields.path_of(entry.key);
    if (is_plain_false(*value)) {
      set_header(out.headers, entry.header, std::nullopt);
    } else if (!value->IsScalar()) {
      errors.add(*value,
                 value_path + ": expected a header value or false, got " + describe(*value));
    } else if (!is_header_value(value->Scalar())) {
      errors.add(*value, value_path + ": header values must not contain control characters");
    } else {
      set_header(out.headers, entry.header, value->Scalar());
    }
  }
  read_remove_list(errors, fields, out);
}

}  // namespace centinela::config
