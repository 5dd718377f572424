// The top-level `waf` section and a route's `waf`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/log_config.h"

namespace centinela::config {

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

}  // namespace centinela::config
