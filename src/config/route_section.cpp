#include <algorithm>
#include <boost/regex.hpp>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

void read_path_pattern(ErrorList& errors, MapFields& fields, std::string_view key,
                       std::string& out) {
  if (!fields.read(key, out)) return;
  if (!out.starts_with('/')) {
    errors.add(*fields.find(key), fields.path_of(key) + ": must start with '/', got '" + out + "'");
  }
}

void read_regex(ErrorList& errors, MapFields& fields, std::string& out) {
  if (!fields.read("regex", out)) return;
  try {
    boost::regex compiled(out, boost::regex::perl);
  } catch (const boost::regex_error& error) {
    errors.add(*fields.find("regex"),
               fields.path_of("regex") + ": bad regular expression '" + out + "': " + error.what());
  }
}

void read_match(ErrorList& errors, const YAML::Node& node, const std::string& path,
                RouteMatch& out) {
  MapFields fields(errors, node, path, {"host", "exact", "prefix", "regex", "methods"});
  if (fields.read("host", out.host)) {
    out.host = ascii_lower(out.host);
    // Requests' hosts lose one trailing '.' (http/authority.h); so does this.
    if (out.host.size() > 1 && out.host.back() == '.') out.host.pop_back();
    if (out.host.empty() || out.host.find_first_of(" \t/") != std::string::npos) {
      errors.add(*fields.find("host"), fields.path_of("host") +
                                           ": expected a host name such as api.example.com or "
                                           "*.example.com, got '" +
                                           out.host + "'");
    }
  }
  read_path_pattern(errors, fields, "exact", out.exact);
  read_path_pattern(errors, fields, "prefix", out.prefix);
  read_regex(errors, fields, out.regex);
  // Report the second and later path matchers: the first one is what the
  // writer most likely meant.
  int path_matchers = 0;
  for (std::string_view key : {"exact", "prefix", "regex"}) {
    const YAML::Node* value = fields.find(key);
    if (value && ++path_matchers > 1) {
      errors.add(*value, fields.path_of(key) + ": use only one of exact, prefix and regex");
    }
  }
  if (const YAML::Node* methods = fields.find("methods")) {
    out.methods = read_methods(errors, *methods, fields.path_of("methods"));
  }
}

void read_upstream_reference(ErrorList& errors, MapFields& fields,
                             const std::map<std::string, UpstreamConfig>& upstreams,
                             std::string& out) {
  if (!fields.require("upstream") || !fields.read("upstream", out)) return;
  if (upstreams.contains(out)) return;
  std::vector<std::string_view> names;
  for (const auto& [name, upstream] : upstreams) names.push_back(name);
  std::string hint = did_you_mean(out, names);
  if (hint.empty() && names.empty()) hint = " (no upstreams are defined)";
  if (hint.empty()) {
    hint = " (defined: ";
    for (std::string_view name : names)
      hint += std::string(name) + (name == names.back() ? ")" : ", ");
  }
  errors.add(*fields.find("upstream"),
             fields.path_of("upstream") + ": unknown upstream '" + out + "'" + hint);
}

std::string default_route_name(const RouteMatch& match) {
  if (!match.exact.empty()) return match.exact;
  if (!match.prefix.empty()) return match.prefix;
  if (!match.regex.empty()) return match.regex;
  return "/";
}

void read_route(ErrorList& errors, const YAML::Node& node, const std::string& path,
                const std::map<std::string, UpstreamConfig>& upstreams, RouteConfig& out) {
  MapFields fields(
      errors, node, path,
      {"name", "match", "upstream", "timeout", "security_headers", "cors", "cache", "rate_limit",
       "compression", "normalize_path", "waf", "threat", "strip_prefix", "rewrite",
       "request_headers", "response_headers", "websocket", "server_timing"});
  if (!fields.is_map()) return;
  fields.read_section("match", read_match, out.match);
  if (fields.read("name", out.name) && out.name.empty()) {
    errors.add(*fields.find("name"), fields.path_of("name") + ": must not be empty");
  }
  if (out.name.empty()) out.name = default_route_name(out.match);
  // The metrics' label for requests no route matched: a route named so would
  // mix its series with theirs.
  if (out.name == "no_route") {
    errors.add(fields.find("name") ? *fields.find("name") : node,
               fields.path_of("name") +
                   ": 'no_route' is reserved (the metrics' label of unmatched requests)");
  }
  read_upstream_reference(errors, fields, upstreams, out.upstream);
  fields.read_duration("timeout", out.timeout);
  fields.read("normalize_path", out.normalize_path);
  fields.read("threat", out.threat);
  if (const YAML::Node* headers = fields.find("security_headers")) {
    read_security_headers(errors, *headers, fields.path_of("security_headers"),
                          out.security_headers);
  } else {
    out.security_headers.headers = default_security_headers();
  }
  fields.read_section("cors", read_cors, out.cors);
  fields.read_section("cache", read_route_cache, out.cache);
  // Upgrades default to on only where no cache could meet them.
  out.websocket.enabled = !out.cache.enabled;
  fields.read_section("websocket", read_route_websocket, out.websocket);
  fields.read_section("rate_limit", read_rate_limits, out.rate_limit);
  fields.read_section("compression", read_compression, out.compression);
  fields.read_section("waf", read_route_waf, out.waf);
  read_strip_prefix(errors, fields, out.match, out.rewrite);
  fields.read_section("rewrite", read_rewrite, out.rewrite);
  fields.read_section("request_headers", read_request_headers, out.request_headers);
  fields.read_section("response_headers", read_response_headers, out.response_headers);
  fields.read_section("server_timing", read_route_server_timing, out.server_timing);
}

}  // namespace

std::vector<std::string> read_methods(ErrorList& errors, const YAML::Node& node,
                                      const std::string& path) {
  static const std::vector<std::string_view> kMethods = {
      "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  std::vector<std::string> methods;
  auto names = read_string_list(errors, node, path);
  if (!names) return methods;
  for (std::size_t i = 0; i < names->size(); ++i) {
    std::string method = ascii_upper((*names)[i]);
    if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
      errors.add(list_item(node, i), path + ": unknown HTTP method '" + (*names)[i] + "'" +
                                         did_you_mean(method, kMethods));
    } else if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
      methods.push_back(std::move(method));
    }
  }
  return methods;
}

void read_routes(ErrorList& errors, const YAML::Node& node,
                 const std::map<std::string, UpstreamConfig>& upstreams,
                 std::vector<RouteConfig>& out) {
  if (!node.IsSequence()) {
    errors.add(node, "routes: expected a list of routes, got " + describe(node));
    return;
  }
  std::map<std::string, YAML::Mark> first_use;
  std::size_t index = 0;
  for (const YAML::Node& item : node) {
    RouteConfig route;
    read_route(errors, item, "routes[" + std::to_string(index++) + "]", upstreams, route);
    if (!item.IsMap()) continue;
    auto [first, inserted] = first_use.emplace(route.name, item.Mark());
    if (!inserted) {
      errors.add(item, "duplicate route name '" + route.name + "' (first used on line " +
                           std::to_string(first->second.line + 1) +
                           "); give one of them a different `name`");
    }
    out.push_back(std::move(route));
  }
}

}  // namespace centinela::config
