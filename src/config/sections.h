// Readers for the parts of the config file. Each fills its part of Config,
// keeping the defaults for what the file leaves out, and reports every
// problem to the ErrorList.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace centinela::config {

// `listeners_in_use` are listeners already taken (by server.listen) and
// checked for duplicates against admin.listen.
void read_server(ErrorList& errors, const YAML::Node& node, ServerConfig& out);
void read_admin(ErrorList& errors, const YAML::Node& node,
                const std::vector<ListenerConfig>& listeners_in_use, AdminConfig& out);
void read_log(ErrorList& errors, const YAML::Node& node, LogConfig& out);
// A `rotate:` map (log.access.rotate, waf.incident_log.rotate).
void read_rotate(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 RotateConfig& out);
void read_redis(ErrorList& errors, const YAML::Node& node, RedisConfig& out);
// `tls: true` (every default), `tls: false` (none), or {verify, ca, sni,
// client_cert, client_key}; files resolved beside the config and readable.
void read_tls_client(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::optional<TlsClientConfig>& out);
void read_upstreams(ErrorList& errors, const YAML::Node& node,
                    std::map<std::string, UpstreamConfig>& out);
// Route upstreams must name one of `upstreams`.
void read_routes(ErrorList& errors, const YAML::Node& node,
                 const std::map<std::string, UpstreamConfig>& upstreams,
                 std::vector<RouteConfig>& out);

// The top-level `identity` section; relative key files are found beside
// `config_path`, the file being loaded.
void read_identity(ErrorList& errors, const YAML::Node& node, const std::string& config_path,
                   IdentityConfig& out);

// Per-route policies; `path` is e.g. "routes[0].cors".
void read_security_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                           SecurityHeadersConfig& out);
void read_cors(ErrorList& errors, const YAML::Node& node, const std::string& path, CorsConfig& out);
void read_route_cache(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      CacheConfig& out);
// cache_override_section.cpp: a route's `cache.override` (after the rest of
// its cache: `authorization: per_user` adds `user` to the key); and the
// warnings for cached routes (`routes` the routes' node, `read` the routes
// read from it) that key on a user no identity names, or whose clients send
// credentials nothing lets the cache store answers to.
void read_cache_override(ErrorList& errors, const YAML::Node& node, const std::string& path,
                         CacheConfig& out);
void warn_cache_identity(ErrorList& errors, const YAML::Node& routes,
                         const std::vector<RouteConfig>& read, const Config& config);
void read_rate_limits(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      std::vector<RateLimitPolicyConfig>& out);
// The top-level `rate_limit` section; `has_redis`: a `redis` section exists.
void read_rate_limit_settings(ErrorList& errors, const YAML::Node& node, bool has_redis,
                              RateLimitSettings& out);
// The top-level `threat` section; `has_redis`: a `redis` section exists.
void read_threat(ErrorList& errors, const YAML::Node& node, bool has_redis, ThreatConfig& out);
// The top-level `tracing` section (tracing_section.cpp); and the parse of
// its otlp_endpoint ("http://host:port/path") into `out`: the problem, or "".
void read_tracing(ErrorList& errors, const YAML::Node& node, TracingConfig& out);
std::string parse_otlp_endpoint(std::string_view url, TracingConfig& out);
// Reports rate-limit policies with `adaptive` when there is no `threat`
// section to score clients (`routes` is the routes' node).
void check_adaptive_needs_threat(ErrorList& errors, const YAML::Node& routes, const Config& config);

// "10.0.0.0/8", or a list of addresses and CIDR ranges.
std::vector<CidrRange> read_cidr_list(ErrorList& errors, const YAML::Node& node,
                                      const std::string& path);

void read_compression(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      CompressionConfig& out);
// rewrite_section.cpp
void read_request_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                          HeaderEditsConfig& out);
void read_response_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                           HeaderEditsConfig& out);
void read_rewrite(ErrorList& errors, const YAML::Node& node, const std::string& path,
                  RewriteConfig& out);
void read_strip_prefix(ErrorList& errors, MapFields& fields, const RouteMatch& match,
                       RewriteConfig& out);

// A route's `websocket`: true / false, or {enabled, idle_timeout, max_tunnels}
// (websocket_section.cpp). Left out: on unless the route caches.
void read_route_websocket(ErrorList& errors, const YAML::Node& node, const std::string& path,
                          WebSocketConfig& out);

// A route's `server_timing`: {origin: loopback|pass|strip, add: bool}
// (server_timing_section.cpp). Left out: origin loopback, add false.
void read_route_server_timing(ErrorList& errors, const YAML::Node& node, const std::string& path,
                              ServerTimingConfig& out);
// The name a mode is written as (check -T).
std::string_view origin_mode_name(ServerTimingConfig::Origin mode);

// The top-level `waf` section; `log` (read before) gives the incident log's
// default path and rotation.
void read_waf(ErrorList& errors, const YAML::Node& node, const LogConfig& log, WafConfig& out);
void read_route_waf(ErrorList& errors, const YAML::Node& node, const std::string& path,
                    RouteWafConfig& out);
// `inspect_body_bytes` of `fields` (top level or a route): a size up to 16MiB.
void read_inspect_body_bytes(MapFields& fields, std::uint64_t& out);
// Routes that leave anomaly_threshold / inspect_body_bytes out take the
// top-level values (`routes` is the routes' node).
void apply_waf_defaults(const YAML::Node& routes, Config& config);
// With a route inspecting, every rule file (glob) that is not optional must
// match readable files; `waf_node` is the top-level section, if written.
void check_waf_rule_files(ErrorList& errors, const YAML::Node* waf_node, const Config& config);

// Key parts for cache keys and rate-limit keys: each one of `plain` ("ip") or
// KIND:NAME for a kind in `named` ("header:X-Api-Key", NAME lower-cased).
std::vector<std::string> read_key_parts(ErrorList& errors, const YAML::Node& node,
                                        const std::string& path,
                                        const std::vector<std::string_view>& plain,
                                        const std::vector<std::string_view>& named);

// Parses and upper-cases HTTP method names, reporting unknown ones at `node`.
std::vector<std::string> read_methods(ErrorList& errors, const YAML::Node& node,
                                      const std::string& path);

// Parses "redis[s]://[[user]:password@]host[:port][/db]" into `out` (rediss:
// `out.tls` with its defaults); returns the problem, or an empty string.
std::string parse_redis_url(std::string_view url, RedisConfig& out);

}  // namespace centinela::config
