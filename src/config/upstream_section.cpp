#include <algorithm>

#include "config/address.h"
#include "config/secret_file.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

void read_servers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                  std::uint16_t default_port, std::vector<Endpoint>& out) {
  auto texts = read_string_list(errors, node, path);
  if (!texts) return;
  if (texts->empty()) {
    errors.add(node, path + ": needs at least one server");
    return;
  }
  for (std::size_t i = 0; i < texts->size(); ++i) {
    // A server named without a port is on 80 (443 with tls), as in nginx.
    auto endpoint = parse_endpoint((*texts)[i], default_port);
    if (endpoint.value) {
      out.push_back(*endpoint.value);
    } else {
      errors.add(list_item(node, i), path + ": " + endpoint.error);
    }
  }
}

void read_health_check(ErrorList& errors, const YAML::Node& node, const std::string& path,
                       HealthCheckConfig& out) {
  MapFields fields(errors, node, path,
                   {"path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"});
  if (fields.read("path", out.path) && !out.path.starts_with('/')) {
    errors.add(*fields.find("path"), fields.path_of("path") + ": must start with '/'");
  }
  constexpr bool kPositive = true;
  fields.read_duration("interval", out.interval, kPositive);
  fields.read_duration("timeout", out.timeout, kPositive);
  fields.read("healthy_threshold", out.healthy_threshold, 1, 1000);
  fields.read("unhealthy_threshold", out.unhealthy_threshold, 1, 1000);
  if (fields.is_map() && !fields.find("path")) {
    errors.add(node, path + ".path: required (the path to probe, e.g. /health)");
  }
}

void read_passive_health(ErrorList& errors, const YAML::Node& node, const std::string& path,
                         PassiveHealthConfig& out) {
  MapFields fields(errors, node, path, {"max_failures", "ejection_time"});
  fields.read("max_failures", out.max_failures, 0, 1000);
  fields.read_duration("ejection_time", out.ejection_time, /*must_be_positive=*/true);
}

void read_load_balancing(ErrorList& errors, const YAML::Node& node, const std::string& path,
                         LoadBalancing& out) {
  static const std::vector<std::string_view> kPolicies = {"round_robin", "least_requests"};
  auto text = read_string(errors, node, path);
  if (!text) return;
  if (*text == "round_robin") {
    out = LoadBalancing::round_robin;
  } else if (*text == "least_requests") {
    out = LoadBalancing::least_requests;
  } else {
    errors.add(node, path + ": unknown policy '" + *text +
                         "', expected round_robin or least_requests" +
                         did_you_mean(*text, kPolicies));
  }
}

void read_upstream(ErrorList& errors, const YAML::Node& node, const std::string& path,
                   UpstreamConfig& out) {
  MapFields fields(
      errors, node, path,
      {"servers", "connect_timeout", "timeout", "host", "load_balancing", "health_check",
       "passive_health", "retries", "max_idle_per_worker", "idle_timeout", "tls"});
  if (!fields.is_map()) return;
  fields.read_section("tls", read_tls_client, out.tls);
  if (fields.require("servers")) {
    const std::uint16_t default_port = out.tls ? 443 : 80;
    read_servers(errors, *fields.find("servers"), fields.path_of("servers"), default_port,
                 out.servers);
  }
  constexpr bool kPositive = true;
  fields.read_duration("connect_timeout", out.connect_timeout, kPositive);
  fields.read_duration("timeout", out.timeout, kPositive);
  fields.read("host", out.host);
  fields.read_section("load_balancing", read_load_balancing, out.load_balancing);
  fields.read_section("health_check", read_health_check, out.health_check);
  fields.read_section("passive_health", read_passive_health, out.passive_health);
  fields.read("retries", out.retries, 0, 10);
  fields.read("max_idle_per_worker", out.max_idle_per_worker, 0, 100'000);
  fields.read_duration("idle_timeout", out.idle_timeout, kPositive);
}

}  // namespace

void read_upstreams(ErrorList& errors, const YAML::Node& node,
                    std::map<std::string, UpstreamConfig>& out) {
  if (!node.IsMap()) {
    errors.add(node,
               "upstreams: expected a map of upstream name to settings, got " + describe(node));
    return;
  }
  // Entries by value: yaml-cpp's iterator-> hands out a temporary.
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar() || key.Scalar().empty()) {
      errors.add(key, "upstreams: expected an upstream name, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (out.contains(name)) {
      errors.add(key, "upstreams: duplicate upstream '" + name + "'");
      continue;
    }
    UpstreamConfig upstream;
    upstream.name = name;
    read_upstream(errors, entry.second, "upstreams." + name, upstream);
    out.emplace(name, std::move(upstream));
  }
}

}  // namespace centinela::config
