// The `threat` section: scores per client and temporary bans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/common_types.h"

namespace centinela::config {

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

}  // namespace centinela::config
