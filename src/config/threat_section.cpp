// The top-level `threat:` section (scores per client, bans) and the checks
// that tie rate-limit policies' `adaptive` to it.
#include "config/sections.h"

namespace centinela::config {
namespace {

constexpr double kMaxPoints = 1e6;

void read_points(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 ThreatPoints& out) {
  MapFields fields(errors, node, path,
                   {"waf", "not_found", "auth_failure", "forbidden", "rate_limited", "scanner"});
  if (!fields.is_map()) return;
  if (const YAML::Node* waf = fields.find("waf")) {
    // "score": the request's anomaly score; a number: that many per request.
    if (lower_scalar(*waf) == "score") {
      out.waf.reset();
    } else if (auto points = read_number(errors, *waf, fields.path_of("waf") + " (or score)", 0,
                                         kMaxPoints)) {
      out.waf = *points;
    }
  }
  fields.read_number("not_found", out.not_found, 0, kMaxPoints);
  fields.read_number("auth_failure", out.auth_failure, 0, kMaxPoints);
  fields.read_number("forbidden", out.forbidden, 0, kMaxPoints);
  fields.read_number("rate_limited", out.rate_limited, 0, kMaxPoints);
  fields.read_number("scanner", out.scanner, 0, kMaxPoints);
}

void read_ban(ErrorList& errors, const YAML::Node& node, const std::string& path,
              ThreatBanConfig& out) {
  MapFields fields(errors, node, path, {"score", "durations", "forget_after"});
  if (!fields.is_map()) return;
  fields.read_number("score", out.score, 0, kMaxPoints, /*min_exclusive=*/true);
  if (const YAML::Node* durations = fields.find("durations")) {
    const std::string list_path = fields.path_of("durations");
    std::vector<Duration> parsed;
    bool ok = true;
    if (durations->IsScalar()) {
      auto one = read_duration(errors, *durations, list_path, true);
      ok = one.has_value();
      if (one) parsed.push_back(*one);
    } else if (durations->IsSequence() && durations->size() > 0) {
      for (const YAML::Node& item : *durations) {
        auto one = read_duration(errors, item, list_path, true);
        ok = ok && one.has_value();
        if (one) parsed.push_back(*one);
      }
    } else {
      errors.add(*durations, list_path +
                                 ": expected a list of durations such as [1m, 10m, 1h], "
                                 "got " +
                                 describe(*durations));
      ok = false;
    }
    if (ok) out.durations = std::move(parsed);
  }
  fields.read_duration("forget_after", out.forget_after);
}

void read_shared(ErrorList& errors, MapFields& fields, bool has_redis, ThreatConfig& out) {
  const YAML::Node* shared = fields.find("shared");
  if (!shared) return;
  const std::string value = lower_scalar(*shared);
  if (value == "local" || value == "none" || value == "off" || value == "false") {
    out.shared.clear();
  } else if (value != "redis") {
    errors.add(*shared, "threat.shared: expected redis or local, got " + describe(*shared));
  } else if (!has_redis) {
    errors.add(*shared, "threat.shared: redis needs a top-level `redis` section with its url");
  }
}

}  // namespace

void read_threat(ErrorList& errors, const YAML::Node& node, bool has_redis, ThreatConfig& out) {
  // A fleet shares its bans by default when it shares a Redis.
  if (has_redis) out.shared = "redis";
  bool on = false;
  if (node.IsNull() || read_switch(node, on)) return;
  MapFields fields(
      errors, node, "threat",
      {"half_life", "points", "ban", "allowlist", "max_clients", "shared", "scanner_data"});
  if (!fields.is_map()) return;
  fields.read_duration("half_life", out.half_life, /*must_be_positive=*/true);
  fields.read_section("points", read_points, out.points);
  fields.read_section("ban", read_ban, out.ban);
  if (const YAML::Node* allowlist = fields.find("allowlist")) {
    out.allowlist = read_cidr_list(errors, *allowlist, fields.path_of("allowlist"));
  }
  fields.read("max_clients", out.max_clients, 1, 100'000'000);
  read_shared(errors, fields, has_redis, out);
  if (fields.read("scanner_data", out.scanner_data) && out.scanner_data.empty()) {
    errors.add(*fields.find("scanner_data"),
               "threat.scanner_data: must name a directory (the CRS rules directory)");
  }
}

void check_adaptive_needs_threat(ErrorList& errors, const YAML::Node& routes,
                                 const Config& config) {
  if (config.threat || !routes.IsSequence()) return;
  for (const YAML::Node& route : routes) {
    if (!route.IsMap() || !route["rate_limit"]) continue;
    const YAML::Node policies = route["rate_limit"];
    auto check = [&](const YAML::Node& policy) {
      if (policy.IsMap() && policy["adaptive"]) {
        errors.add(policy["adaptive"],
                   "adaptive rate limits need a top-level `threat` section to score clients");
      }
    };
    if (policies.IsSequence()) {
      for (const YAML::Node& policy : policies) check(policy);
    } else {
      check(policies);
    }
  }
}

}  // namespace centinela::config
