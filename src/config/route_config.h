// A route (`routes[]`): its policies, edits, WAF, WebSocket and Server-Timing settings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/common_types.h"
#include "config/route_policies_config.h"
#include "config/server_timing_config.h"
#include "config/waf_config.h"

namespace centinela::config {

// A route's edits of the request's or the response's header fields. Values
// may name variables, replaced per request: $client_ip, $request_id, $user,
// $route ($$ is a '$').
struct HeaderEditsConfig {
  std::vector<HeaderValue> set;     // replace the fields of these names
  std::vector<HeaderValue> add;     // add a line beside those there are
  std::vector<std::string> remove;  // lower-case names
  bool empty() const { return set.empty() && add.empty() && remove.empty(); }
};

// How the path the upstream receives differs from the client's (normalised)
// path; the query string is kept. Routing, limits, the WAF and the cache key
// see the client's path.
struct RewriteConfig {
  std::string strip_prefix;  // removed from the start of the path
  std::string regex;         // then matched against the whole path; empty: none
  std::string replacement;   // the new path when it matches: $0..$9 are its groups
  bool empty() const { return strip_prefix.empty() && regex.empty(); }
};

// A route's WebSocket upgrades (`websocket: true|false|{...}`): the handshake
// runs the route's stages, then the gateway relays bytes both ways.
struct WebSocketConfig {
  // Unset in the file: on unless the route caches (resolved when it is read).
  bool enabled = true;
  Duration idle_timeout = std::chrono::hours(1);  // no byte either way → both sides closed
  std::uint64_t max_tunnels = 10000;              // per route and process; more → 503
};

struct RouteConfig {
  std::string name;  // metric/log label; default: the path pattern
  RouteMatch match;
  std::string upstream;
  Duration timeout{};  // 0: the upstream's
  SecurityHeadersConfig security_headers;
  CorsConfig cors;
  CacheConfig cache;
  std::vector<RateLimitPolicyConfig> rate_limit;
  CompressionConfig compression;
  // false: the upstream receives the client's request-target as sent (and
  // the cache keys it), %2F, %00 and ".." above the root included; routing
  // still uses the normalised path.
  bool normalize_path = true;
  RewriteConfig rewrite;
  HeaderEditsConfig request_headers;
  HeaderEditsConfig response_headers;
  RouteWafConfig waf;
  // With a top-level `threat` section: this route's responses and findings
  // raise the client's threat score (false: not counted here).
  bool threat = true;
  WebSocketConfig websocket;
  ServerTimingConfig server_timing;
};

}  // namespace centinela::config
