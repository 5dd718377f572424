// `check -T`: the routes, every policy with its defaults.
#include <algorithm>

#include "config/effective_sections.h"
#include "config/sections.h"

namespace centinela::config {
namespace {

// "X-Frame-Options" → "x_frame_options": the route's key for that header.
std::string header_key(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

void print_match(YamlWriter& w, const RouteMatch& match) {
  w.begin("match");
  if (!match.host.empty()) w.field("host", yaml_string(match.host));
  if (!match.exact.empty()) w.field("exact", yaml_string(match.exact));
  if (!match.prefix.empty()) w.field("prefix", yaml_string(match.prefix));
  if (!match.regex.empty()) w.field("regex", yaml_string(match.regex));
  if (!match.methods.empty()) w.field("methods", yaml_list(match.methods));
  w.end();
}

// preset none and the headers sorted by key: read back in the same order.
void print_security_headers(YamlWriter& w, const SecurityHeadersConfig& headers) {
  if (!headers.enabled) {
    w.field("security_headers", "off");
    return;
  }
  w.begin("security_headers");
  w.field("preset", "none");
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const HeaderValue& h : headers.headers) sorted.emplace_back(header_key(h.name), h.value);
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, value] : sorted) w.field(key, yaml_string(value));
  w.field("remove", yaml_list(headers.remove));
  w.end();
}

void print_cors(YamlWriter& w, const CorsConfig& cors) {
  if (!cors.enabled) {
    w.field("cors", "off");
    return;
  }
  w.begin("cors");
  w.field("allow_origins", yaml_list(cors.allow_origins));
  w.field("allow_methods", yaml_list(cors.allow_methods));
  w.field("allow_headers", yaml_list(cors.allow_headers));
  w.field("expose_headers", yaml_list(cors.expose_headers));
  w.field("allow_credentials", yaml_bool(cors.allow_credentials));
  w.field("max_age", yaml_duration(cors.max_age));
  w.end();
}

void print_cache_override(YamlWriter& w, const CacheOverrideConfig& rules) {
  w.begin("override");
  std::vector<std::string> ignore;
  if (rules.ignore_cache_control) ignore.emplace_back("cache-control");
  if (rules.ignore_expires) ignore.emplace_back("expires");
  if (rules.ignore_set_cookie) ignore.emplace_back("set-cookie");
  w.field("ignore", yaml_list(ignore));
  if (rules.ttl_by_status.empty()) {
    w.field("ttl_by_status", "{}");
  } else {
    w.begin("ttl_by_status");
    for (const StatusTtl& entry : rules.ttl_by_status) {
      w.field(yaml_key(entry.status), yaml_duration(entry.ttl));
    }
    w.end();
  }
  w.field("authorization",
          rules.authorization == CacheAuthorization::per_user ? "per_user" : "standard");
  w.end();
}

void print_cache(YamlWriter& w, const CacheConfig& cache) {
  if (!cache.enabled) {
    w.field("cache", "off");
    return;
  }
  w.begin("cache");
  if (cache.ttl) w.field("ttl", yaml_duration(*cache.ttl));
  if (cache.stale_while_revalidate) {
    w.field("stale_while_revalidate", yaml_duration(*cache.stale_while_revalidate));
  }
  if (cache.stale_if_error) w.field("stale_if_error", yaml_duration(*cache.stale_if_error));
  w.field("key", yaml_list(cache.key));
  w.field("ignore_query_params", yaml_list(cache.ignore_query_params));
  w.field("vary_query_params", yaml_list(cache.vary_query_params));
  w.begin("bypass");
  w.field("headers", yaml_list(cache.bypass_headers));
  w.field("cookies", yaml_list(cache.bypass_cookies));
  w.end();
  w.field("store_set_cookie", yaml_bool(cache.store_set_cookie));
  w.field("max_object_size", yaml_size(cache.max_object_size));
  w.field("lock_timeout", yaml_duration(cache.lock_timeout));
  print_cache_override(w, cache.overrides);
  w.end();
}

void print_rate_limits(YamlWriter& w, const std::vector<RateLimitPolicyConfig>& policies) {
  if (policies.empty()) {
    w.field("rate_limit", "[]");
    return;
  }
  w.begin("rate_limit");
  for (const RateLimitPolicyConfig& policy : policies) {
    w.begin_item();
    w.field("name", yaml_string(policy.name));
    w.field("key", yaml_list(policy.key));
    w.field("limit", std::to_string(policy.limit));
    w.field("window", yaml_duration(policy.window));
    if (policy.burst) w.field("burst", std::to_string(*policy.burst));
    w.field("algorithm", yaml_string(policy.algorithm));
    if (!policy.store.empty()) w.field("store", yaml_string(policy.store));
    if (!policy.on_store_error.empty()) {
      w.field("on_store_error", yaml_string(policy.on_store_error));
    }
    if (policy.legacy_headers) w.field("legacy_headers", yaml_bool(*policy.legacy_headers));
    if (policy.adaptive) {
      w.begin("adaptive");
      w.field("score", yaml_number(policy.adaptive->score));
      w.field("factor", yaml_number(policy.adaptive->factor));
      w.end();
    }
    w.end();
  }
  w.end();
}

void print_compression(YamlWriter& w, const CompressionConfig& compression) {
  if (!compression.enabled) {
    w.field("compression", "off");
    return;
  }
  w.begin("compression");
  w.field("min_size", yaml_size(compression.min_size));
  w.field("content_types", yaml_list(compression.content_types));
  w.field("algorithms", yaml_list(compression.algorithms));
  w.begin("levels");
  w.field("gzip", std::to_string(compression.levels.gzip));
  w.field("br", std::to_string(compression.levels.br));
  w.field("zstd", std::to_string(compression.levels.zstd));
  w.end();
  w.end();
}

void print_header_edits(YamlWriter& w, std::string_view key, const HeaderEditsConfig& edits) {
  if (edits.empty()) return;
  w.begin(key);
  for (const auto& [list_key, list] :
       {std::pair{"set", &edits.set}, std::pair{"add", &edits.add}}) {
    if (list->empty()) continue;
    w.begin(list_key);
    for (const HeaderValue& h : *list) w.field(yaml_key(h.name), yaml_string(h.value));
    w.end();
  }
  w.field("remove", yaml_list(edits.remove));
  w.end();
}

void print_rewrite(YamlWriter& w, const RewriteConfig& rewrite) {
  if (!rewrite.strip_prefix.empty()) w.field("strip_prefix", yaml_string(rewrite.strip_prefix));
  if (rewrite.regex.empty()) return;
  w.begin("rewrite");
  w.field("regex", yaml_string(rewrite.regex));
  w.field("replacement", yaml_string(rewrite.replacement));
  w.end();
}

void print_waf_exclusion(YamlWriter& w, const WafExclusion& exclusion) {
  w.begin_item();
  if (!exclusion.rules.empty()) {
    std::vector<std::string> ids;
    for (const WafRuleRange& range : exclusion.rules) {
      ids.push_back(range.first == range.last
                        ? std::to_string(range.first)
                        : std::to_string(range.first) + "-" + std::to_string(range.last));
    }
    w.field("rules", yaml_list(ids));
  } else {
    w.field("tag", yaml_string(exclusion.tag));
  }
  if (!exclusion.args.empty()) w.field("args", yaml_list(exclusion.args));
  if (!exclusion.headers.empty()) w.field("headers", yaml_list(exclusion.headers));
  if (!exclusion.cookies.empty()) w.field("cookies", yaml_list(exclusion.cookies));
  w.end();
}

void print_route_waf(YamlWriter& w, const RouteWafConfig& waf) {
  if (waf.mode == WafMode::off) {
    w.field("waf", "off");
    return;
  }
  w.begin("waf");
  w.field("mode", waf.mode == WafMode::detect ? "detect" : "block");
  w.field("paranoia", std::to_string(waf.paranoia));
  w.field("anomaly_threshold", std::to_string(waf.anomaly_threshold));
  w.field("inspect_body_bytes", yaml_size(waf.inspect_body_bytes));
  if (!waf.exclusions.empty()) {
    w.begin("exclusions");
    for (const WafExclusion& exclusion : waf.exclusions) print_waf_exclusion(w, exclusion);
    w.end();
  }
  w.field("threat", yaml_bool(waf.threat));
  w.end();
}

void print_route(YamlWriter& w, const RouteConfig& route) {
  w.begin_item();
  w.field("name", yaml_string(route.name));
  print_match(w, route.match);
  w.field("upstream", yaml_string(route.upstream));
  w.field("timeout", yaml_duration(route.timeout));
  print_security_headers(w, route.security_headers);
  print_cors(w, route.cors);
  print_cache(w, route.cache);
  print_rate_limits(w, route.rate_limit);
  print_compression(w, route.compression);
  w.field("normalize_path", yaml_bool(route.normalize_path));
  print_rewrite(w, route.rewrite);
  print_header_edits(w, "request_headers", route.request_headers);
  print_header_edits(w, "response_headers", route.response_headers);
  print_route_waf(w, route.waf);
  w.field("threat", yaml_bool(route.threat));
  w.begin("websocket");
  w.field("enabled", yaml_bool(route.websocket.enabled));
  w.field("idle_timeout", yaml_duration(route.websocket.idle_timeout));
  w.field("max_tunnels", std::to_string(route.websocket.max_tunnels));
  w.end();
  w.begin("server_timing");
  w.field("origin", std::string(origin_mode_name(route.server_timing.origin)));
  w.field("add", yaml_bool(route.server_timing.add));
  w.end();
  w.end();
}

}  // namespace

void print_routes(YamlWriter& w, const std::vector<RouteConfig>& routes) {
  if (routes.empty()) {
    w.field("routes", "[]");
    return;
  }
  w.begin("routes");
  for (const RouteConfig& route : routes) print_route(w, route);
  w.end();
}

}  // namespace centinela::config
