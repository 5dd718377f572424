// A route's match and its policies: security headers, CORS, cache, rate limits, compression.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/common_types.h"

namespace centinela::config {

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

}  // namespace centinela::config
