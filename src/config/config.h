// The typed, validated config: one immutable Config decides everything; reloads swap in a new one.
// Each section's structs are in a header of their own (included here).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/cache_store_config.h"
#include "config/common_types.h"
#include "config/identity_config.h"
#include "config/listener_config.h"
#include "config/log_config.h"
#include "config/route_config.h"
#include "config/route_policies_config.h"
#include "config/server_config.h"
#include "config/server_timing_config.h"
#include "config/threat_config.h"
#include "config/tls_client_config.h"
#include "config/tracing_config.h"
#include "config/upstream_config.h"
#include "config/waf_config.h"

namespace centinela::config {

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
