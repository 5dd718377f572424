// The typed, validated config: one immutable Config decides everything; reloads swap in a new one.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/listener_config.h"
#include "config/server_timing_config.h"
#include "config/tls_client_config.h"
#include "config/tracing_config.h"

namespace centinela::config {

using Duration = std::chrono::milliseconds;

// An IP range. Addresses are kept as 16 bytes, IPv4 as IPv4-mapped IPv6
// (::ffff:a.b.c.d), so one comparison serves both families.
struct CidrRange {
  std::array<std::uint8_t, 16> bytes{};
  unsigned prefix_len = 128;  // counted on the 128-bit form
  bool contains(const std::array<std::uint8_t, 16>& address) const;
};

struct Limits {
  std::uint64_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;
  Duration header_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::seconds(60);
  std::uint64_t max_connections = 10000;
  // All chunk extensions of one chunked message together (requests and
  // upstream responses); the bytes carry nothing the gateway uses.
  std::uint64_t max_chunk_extension_bytes = 4 * 1024;
};

struct ServerConfig {
  std::vector<ListenerConfig> listen;
  unsigned workers = 0;  // 0: number of cores
  Duration drain_timeout = std::chrono::seconds(10);
  Limits limits;
  std::vector<CidrRange> trusted_proxies;
};

struct AdminConfig {
  std::optional<Endpoint> listen;
  std::string token;  // empty: /admin/* open
  // Host names (lowercase) the admin listener answers besides loopback names
  // and IP literals; "*" answers any (see admin/admin_guard.h).
  std::vector<std::string> allowed_hosts;
  bool live_stats = true;  // the dashboard's per-second series and percentile sketches
};

struct RotateConfig {
  std::uint64_t max_size = 0;  // 0: no size rotation
  bool daily = false;
  unsigned keep = 7;
  bool compress = false;
};

// `log.access.format`: the field names of access-log lines — centinela's
// own, Elastic Common Schema, or OpenTelemetry's log record and semantic
// conventions.
enum class AccessLogSchema { centinela, ecs, otel };

struct AccessLogConfig {
  bool enabled = true;
  std::string path = "stdout";  // "stdout", "stderr", "off" or a file path
  RotateConfig rotate;
  AccessLogSchema format = AccessLogSchema::centinela;
};

struct SlowRequestConfig {
  Duration normal = std::chrono::milliseconds(100);
  Duration slow = std::chrono::milliseconds(500);
  Duration very_slow = std::chrono::seconds(3);
};

struct RedactConfig {
  std::vector<std::string> query_params;  // compared case-sensitively
  std::vector<std::string> headers;       // lower-case
};

struct LogConfig {
  AccessLogConfig access;
  SlowRequestConfig slow_request;
  RedactConfig redact;
  std::string level = "info";  // error log level: debug, info, warn, error
};

// The top-level `waf:` section: the attack-detection engine, its rules and its
// records. Every key has a default, so a route's `waf:` alone works.
enum class WafEngine { centinela, modsecurity };

// One entry of `waf.rules`: a SecLang file or a glob. An optional entry may
// match nothing (Debian's IncludeOptional exclusion files).
struct WafRuleFile {
  std::string path;
  bool optional = false;
};

// Debian's owasp-crs.load order.
std::vector<WafRuleFile> default_waf_rules();

struct WafNativeDetectors {  // centinela's tokenisers
  bool sql = true;
  bool xss = true;
  bool shell = true;
  bool path = true;
};

struct WafDecodeConfig {  // deep decoders before matching
  bool base64 = true;
  bool hex = true;
  bool unicode = true;
  unsigned max_depth = 3;  // 0: deep decoding off
};

struct WafPcreLimits {  // PCRE2 confirmations
  std::uint64_t match_limit = 10000;
  std::uint64_t depth_limit = 1000;
};

struct IncidentLogConfig {
  bool enabled = true;
  // "stdout", "stderr" or a file. Default: incidents.log beside a file access
  // log; the access log's stream when it is stdout/stderr; stderr when off.
  std::string path;
  RotateConfig rotate;          // default: the access log's
  unsigned excerpt_bytes = 64;  // bound of each finding's excerpt; 0: no excerpts
};

// How the engine reads requests: `api` (JSON APIs: REST methods, the noisy
// CRS families confirmed by the tokenisers) or `crs` (CRS as it is).
enum class WafProfile { api, crs };

struct WafConfig {
  WafEngine engine = WafEngine::centinela;
  unsigned engine_line = 0, engine_column = 0;  // where `engine:` is written (0: not written)
  WafProfile profile = WafProfile::api;
  std::vector<WafRuleFile> rules = default_waf_rules();
  WafNativeDetectors native;
  WafDecodeConfig decode;
  unsigned anomaly_threshold = 5;                // inbound; default for routes (CRS's)
  std::uint64_t inspect_body_bytes = 64 * 1024;  // default for routes
  bool inspect_response = false;                 // phases 3 and 4
  WafPcreLimits pcre;
  std::string compile_cache = "/var/cache/centinela/waf";  // empty: no cache
  IncidentLogConfig incident_log;
};

enum class WafMode { off, detect, block };

// Rule ids first..last (one id: first == last).
struct WafRuleRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  bool contains(std::uint32_t id) const { return first <= id && id <= last; }
};

// One entry of a route's `waf.exclusions`: rules chosen by id or by tag; with
// no targets they are off on the route, otherwise they skip these targets
// (ARGS names, header names lower-case, cookie names; "/regex/" allowed).
struct WafExclusion {
  std::vector<WafRuleRange> rules;  // empty when chosen by tag
  std::string tag;
  std::vector<std::string> args;
  std::vector<std::string> headers;
  std::vector<std::string> cookies;
  unsigned line = 0, column = 0;  // where it is written, for errors found later
};

struct RouteWafConfig {
  WafMode mode = WafMode::off;
  unsigned paranoia = 1;  // 1..4
  // The route's value, or waf.anomaly_threshold / waf.inspect_body_bytes.
  unsigned anomaly_threshold = 5;
  std::uint64_t inspect_body_bytes = 64 * 1024;  // 0: the body is not inspected
  std::vector<WafExclusion> exclusions;
  bool threat = true;             // findings feed the client's threat score
  unsigned line = 0, column = 0;  // where `waf:` is written
};

struct RedisConfig {
  std::string url;  // redis://host:port/db
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  unsigned db = 0;
  std::string password;
  std::string username;  // ACL user (redis://user:password@…); empty: AUTH with the password only
  Duration timeout = std::chrono::milliseconds(250);
  std::optional<TlsClientConfig> tls;  // rediss://, with `redis.tls` (CA, SNI, client cert)
};

struct HealthCheckConfig {
  std::string path;  // empty: no active health checks
  Duration interval = std::chrono::seconds(5);
  Duration timeout = std::chrono::seconds(2);
  unsigned healthy_threshold = 1;    // consecutive successes to mark up
  unsigned unhealthy_threshold = 2;  // consecutive failures to mark down
};

struct PassiveHealthConfig {
  unsigned max_failures = 5;  // consecutive; 0 disables passive ejection
  Duration ejection_time = std::chrono::seconds(30);
};

enum class LoadBalancing { round_robin, least_requests };

struct UpstreamConfig {
  std::string name;
  std::vector<Endpoint> servers;
  Duration connect_timeout = std::chrono::seconds(2);
  Duration timeout = std::chrono::seconds(30);  // from request sent to response head
  std::string host;  // non-empty: Host sent upstream instead of the client's
  LoadBalancing load_balancing = LoadBalancing::round_robin;
  HealthCheckConfig health_check;
  PassiveHealthConfig passive_health;
  unsigned retries = 1;               // extra attempts for idempotent requests
  unsigned max_idle_per_worker = 64;  // keep-alive pool size per worker
  Duration idle_timeout = std::chrono::seconds(60);
  std::optional<TlsClientConfig> tls;  // absent: cleartext to the servers
};

struct RouteMatch {
  std::string host;   // empty: any; "*.example.com" matches subdomains
  std::string exact;  // at most one of exact / prefix / regex
  std::string prefix;
  std::string regex;                 // ECMAScript, matched against the whole path
  std::vector<std::string> methods;  // upper-case; empty: any
};

// One header the gateway sets on responses; an empty value removes it.
struct HeaderValue {
  std::string name;
  std::string value;
};

struct SecurityHeadersConfig {
  bool enabled = true;
  std::vector<HeaderValue> headers;  // the final set after preset + overrides
  std::vector<std::string> remove = {"server", "x-powered-by"};  // lower-case
};

struct CorsConfig {
  bool enabled = false;
  std::vector<std::string> allow_origins;  // "*" allowed
  std::vector<std::string> allow_methods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  bool allow_credentials = false;
  Duration max_age = std::chrono::minutes(10);
};

// One entry of a route's `cache.override.ttl_by_status` (nginx
// proxy_cache_valid): a status ("404"), a class ("4xx") or "any", and the
// freshness lifetime it gives; 0: responses of that status are never stored.
struct StatusTtl {
  std::string status;  // as written, lower-case
  Duration ttl{};
};

// How answers to requests with a credential are stored: as RFC 9111 §3.5
// allows, or (per_user) under the user's own key even without `public`.
enum class CacheAuthorization { standard, per_user };

// A route's `cache.override`: the operator's word over the origin's (nginx
// proxy_ignore_headers / proxy_cache_valid). Absent, nothing changes.
struct CacheOverrideConfig {
  bool ignore_cache_control = false;  // Cache-Control and CDN-Cache-Control
  bool ignore_expires = false;
  bool ignore_set_cookie = false;        // stored without its Set-Cookie
  std::vector<StatusTtl> ttl_by_status;  // codes first, then classes, then any
  CacheAuthorization authorization = CacheAuthorization::standard;
};

// A route's cache policy (see docs/configuration.md, `routes[].cache`).
struct CacheConfig {
  bool enabled = false;
  std::optional<Duration> ttl;  // freshness for cacheable responses that carry none
  std::optional<Duration> stale_while_revalidate;  // where the origin did not say
  std::optional<Duration> stale_if_error;          // where the origin did not say
  // Extra key parts: "user", "api_key", "host", "header:NAME", "cookie:NAME"
  // (NAME lower-case). Host, path and the normalised query are always keyed.
  std::vector<std::string> key;
  std::vector<std::string> ignore_query_params;        // left out of the key
  std::vector<std::string> vary_query_params;          // non-empty: only these are keyed
  std::vector<std::string> bypass_headers;             // lower-case; present → no cache
  std::vector<std::string> bypass_cookies;             // present → no cache
  bool store_set_cookie = false;                       // store responses with Set-Cookie
  std::uint64_t max_object_size = 8ull * 1024 * 1024;  // larger bodies are relayed only
  Duration lock_timeout = std::chrono::seconds(10);    // how long coalesced requests wait
  CacheOverrideConfig overrides;                       // `override:`
};

struct RateLimitPolicyConfig {
  std::string name;
  std::vector<std::string> key;  // ip, user, api_key, header:NAME, route, global
  std::uint64_t limit = 0;
  Duration window{};
  std::optional<std::uint64_t> burst;
  std::string algorithm = "gcra";  // or sliding_window
  // Empty: the top-level rate_limit settings decide.
  std::string store;                   // "memory" or "redis"
  std::string on_store_error;          // "allow" or "deny"
  std::optional<bool> legacy_headers;  // also send X-RateLimit-Limit/-Remaining/-Reset
  // Clients whose threat score is at least `score` are limited by a tightened
  // copy of the policy: limit and burst × factor (at least 1).
  struct Adaptive {
    double score = 0;
    double factor = 1;
  };
  std::optional<Adaptive> adaptive;
};

// The top-level `rate_limit:` section: defaults for every policy.
struct RateLimitSettings {
  std::vector<CidrRange> allowlist;  // clients (real IP) never limited
  std::string store;                 // empty: redis when `redis` is set, else memory
  std::string on_store_error = "allow";
  bool legacy_headers = false;
};

// Levels as each library numbers them: gzip 1-9, brotli quality 1-11, zstd 1-19
// (0 is how the encoders are asked for their default, so brotli's quality 0 is not offered).
struct CompressionLevels {
  int gzip = 6;
  int br = 4;
  int zstd = 3;
};

struct CompressionConfig {
  bool enabled = false;
  std::uint64_t min_size = 1024;
  std::vector<std::string> content_types;  // empty: the built-in list of text-like types
  std::vector<std::string> algorithms = {"br", "zstd", "gzip"};
  CompressionLevels levels;
};

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

struct CacheStoreConfig {
  std::uint64_t memory = 256ull * 1024 * 1024;
  std::string shared;  // "redis" or empty
};

// Who the client is: a verified JWT's `sub`, or the user an API key maps to.
struct JwtConfig {
  std::string hs256_secret;                    // empty: HS256 tokens are rejected
  std::string rs256_public_key_file;           // as written; empty: RS256 tokens are rejected
  std::string rs256_public_key_pem;            // the file's contents, read when the config loads
  std::string issuer;                          // non-empty: `iss` must equal it
  std::string audience;                        // non-empty: `aud` must contain it
  Duration leeway = std::chrono::seconds(30);  // clock skew allowed on exp / nbf
  std::string header = "authorization";        // lower-case; "Bearer <token>"
  std::string cookie;     // non-empty: the token comes from this cookie instead
  bool required = false;  // true: no verified identity → 401
};

struct ApiKeysConfig {
  std::string header = "x-api-key";         // lower-case
  std::map<std::string, std::string> keys;  // key → user
};

struct IdentityConfig {
  std::optional<JwtConfig> jwt;
  std::optional<ApiKeysConfig> api_keys;
};

// Points a signal adds to a client's threat score.
struct ThreatPoints {
  // A WAF finding: nullopt ("score") adds the request's anomaly score;
  // a number adds that many points per request with findings.
  std::optional<double> waf;
  double not_found = 1;     // 404
  double auth_failure = 2;  // 401
  double forbidden = 2;     // 403
  double rate_limited = 1;  // 429 from the gateway's rate limits
  double scanner = 25;      // a scanner's User-Agent or a restricted file asked for
};

struct ThreatBanConfig {
  double score = 100;  // the score at which a client is banned
  // The n-th ban of a client lasts durations[n-1]; the last one repeats.
  std::vector<Duration> durations = {std::chrono::minutes(1), std::chrono::minutes(10),
                                     std::chrono::hours(1)};
  // How long after its last ban ends a client's ban level is remembered.
  Duration forget_after = std::chrono::hours(24);
};

// The top-level `threat:` section: a score per client (IP, and user when
// identity knows one) that decays, and temporary bans above a threshold.
struct ThreatConfig {
  Duration half_life = std::chrono::minutes(10);
  ThreatPoints points;
  ThreatBanConfig ban;
  // Never banned (scored for the admin view only); rate_limit.allowlist is
  // added to it when the config loads.
  std::vector<CidrRange> allowlist;
  std::uint64_t max_clients = 1'000'000;  // the score table's bound
  std::string shared;                     // "redis" or empty (in-process)
  // Where CRS's scanners-user-agents.data and restricted-files.data are read.
  std::string scanner_data = "/usr/share/modsecurity-crs/rules";
};

struct Config {
  std::string source_path;
  ServerConfig server;
  AdminConfig admin;
  LogConfig log;
  std::optional<RedisConfig> redis;
  std::map<std::string, UpstreamConfig> upstreams;
  CacheStoreConfig cache;
  RateLimitSettings rate_limit;
  std::vector<RouteConfig> routes;         // in match order
  std::optional<IdentityConfig> identity;  // absent: no JWT / API-key identity
  WafConfig waf;                           // used by routes whose waf.mode is not off
  std::optional<ThreatConfig> threat;      // absent: no threat scores, no bans
  std::optional<TracingConfig> tracing;    // absent: no spans exported
};

// One problem found in a config file, printed as FILE:LINE:COLUMN: message.
struct ConfigError {
  std::string file;
  unsigned line = 0;    // 1-based; 0 when unknown
  unsigned column = 0;  // 1-based
  std::string message;
  std::string to_string() const;
};

struct LoadResult {
  std::optional<Config> config;  // set when errors is empty
  std::vector<ConfigError> errors;
};

// Reads and validates a file; never throws.
LoadResult load_file(const std::string& path);
// Same from text already in memory; `file` names it in errors.
LoadResult load_string(const std::string& text, const std::string& file);

// The Helmet-equivalent defaults used by `security_headers: default`.
std::vector<HeaderValue> default_security_headers();

}  // namespace centinela::config
