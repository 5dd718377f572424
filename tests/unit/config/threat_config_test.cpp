// The top-level `threat:` section, route `threat:` and rate-limit `adaptive:`.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

constexpr const char* kRoute =
    "upstreams:\n  api: {servers: [\"127.0.0.1:9000\"]}\nroutes:\n  - upstream: api\n";

TEST(ThreatConfig, AbsentMeansOffAndOnMeansDefaults) {
  EXPECT_FALSE(load_ok("").threat);
  EXPECT_FALSE(load_ok("threat: off\n").threat);
  for (const char* yaml : {"threat:\n", "threat: on\n", "threat: {}\n"}) {
    Config config = load_ok(yaml);
    ASSERT_TRUE(config.threat) << yaml;
    EXPECT_EQ(config.threat->half_life, minutes(10));
    EXPECT_FALSE(config.threat->points.waf);  // the anomaly score
    EXPECT_EQ(config.threat->points.not_found, 1);
    EXPECT_EQ(config.threat->points.scanner, 25);
    EXPECT_EQ(config.threat->ban.score, 100);
    EXPECT_EQ(config.threat->ban.durations,
              (std::vector<Duration>{minutes(1), minutes(10), hours(1)}));
    EXPECT_EQ(config.threat->ban.forget_after, hours(24));
    EXPECT_EQ(config.threat->max_clients, 1'000'000u);
    EXPECT_EQ(config.threat->shared, "");
  }
}

TEST(ThreatConfig, EveryKey) {
  Config config = load_ok(
      "redis: \"redis://127.0.0.1:6379/0\"\n"
      "rate_limit: {allowlist: [\"192.168.0.0/16\"]}\n"
      "threat:\n"
      "  half_life: 5m\n"
      "  points: {waf: 3, not_found: 0.5, auth_failure: 4, forbidden: 5, rate_limited: 2,"
      " scanner: 50}\n"
      "  ban: {score: 40, durations: [30s, 5m], forget_after: 2h}\n"
      "  allowlist: [\"10.0.0.0/8\"]\n"
      "  max_clients: 5000\n"
      "  scanner_data: /tmp/crs\n");
  ASSERT_TRUE(config.threat);
  const ThreatConfig& threat = *config.threat;
  EXPECT_EQ(threat.half_life, minutes(5));
  EXPECT_EQ(threat.points.waf, 3);
  EXPECT_EQ(threat.points.not_found, 0.5);
  EXPECT_EQ(threat.points.auth_failure, 4);
  EXPECT_EQ(threat.points.forbidden, 5);
  EXPECT_EQ(threat.points.rate_limited, 2);
  EXPECT_EQ(threat.points.scanner, 50);
  EXPECT_EQ(threat.ban.score, 40);
  EXPECT_EQ(threat.ban.durations, (std::vector<Duration>{milliseconds(30'000), minutes(5)}));
  EXPECT_EQ(threat.ban.forget_after, hours(2));
  ASSERT_EQ(threat.allowlist.size(), 2u);  // its own, then rate_limit's
  EXPECT_EQ(threat.allowlist[0].prefix_len, 96u + 8);
  EXPECT_EQ(threat.allowlist[1].prefix_len, 96u + 16);
  EXPECT_EQ(threat.max_clients, 5000u);
  EXPECT_EQ(threat.shared, "redis");  // the default with a redis section
  EXPECT_EQ(threat.scanner_data, "/tmp/crs");
  EXPECT_EQ(
      load_ok("redis: \"redis://127.0.0.1:6379/0\"\nthreat: {shared: local}\n").threat->shared, "");
}

TEST(ThreatConfig, ErrorsAtTheirNodes) {
  EXPECT_EQ(problems("threat:\n  half_lfe: 1m\n"),
            Problems{"t.yaml:2:3: unknown key 'half_lfe' in threat (did you mean 'half_life'?)"});
  EXPECT_EQ(problems("threat:\n  half_life: 0s\n"),
            Problems{"t.yaml:2:14: threat.half_life: must be greater than 0"});
  EXPECT_EQ(problems("threat:\n  points: {not_found: -1, waf: lots}\n"),
            (Problems{"t.yaml:2:23: threat.points.not_found: expected a number from 0 to 1000000, "
                      "got '-1'",
                      "t.yaml:2:32: threat.points.waf (or score): expected a number from 0 to "
                      "1000000, got 'lots'"}));
  EXPECT_EQ(problems("threat:\n  ban: {score: 0, durations: []}\n"),
            (Problems{"t.yaml:2:16: threat.ban.score: expected a number above 0 to 1000000, "
                      "got '0'",
                      "t.yaml:2:30: threat.ban.durations: expected a list of durations such as "
                      "[1m, 10m, 1h], got a list"}));
  EXPECT_EQ(problems("threat:\n  ban: {durations: [1m, soon]}\n"),
            Problems{"t.yaml:2:25: threat.ban.durations: bad duration 'soon': expected a "
                     "whole number and a unit, e.g. 250ms or 10s"});
  EXPECT_EQ(problems("threat:\n  allowlist: [\"10.0.0.0/33\"]\n"),
            Problems{"t.yaml:2:15: threat.allowlist: bad address range '10.0.0.0/33': prefix "
                     "length must be at most 32"});
  EXPECT_EQ(problems("threat:\n  shared: redis\n"),
            Problems{"t.yaml:2:11: threat.shared: redis needs a top-level `redis` section with "
                     "its url"});
  EXPECT_EQ(problems("threat:\n  max_clients: 0\n"),
            Problems{"t.yaml:2:16: threat.max_clients: expected a whole number from 1 to "
                     "100000000, got '0'"});
}

TEST(ThreatConfig, RouteSwitchDefaultsOn) {
  EXPECT_TRUE(load_ok(std::string(kRoute)).routes[0].threat);
  EXPECT_FALSE(load_ok(std::string(kRoute) + "    threat: false\n").routes[0].threat);
  EXPECT_EQ(problems(std::string(kRoute) + "    threat: maybe\n"),
            Problems{"t.yaml:5:13: routes[0].threat: expected a boolean (true or false), got "
                     "'maybe'"});
}

TEST(ThreatConfig, AdaptiveRateLimit) {
  Config config = load_ok("threat: on\n" + std::string(kRoute) +
                          "    rate_limit: [{name: p, limit: 10, window: 1m,"
                          " adaptive: {score: 50, factor: 0.1}}]\n");
  const auto& adaptive = config.routes[0].rate_limit[0].adaptive;
  ASSERT_TRUE(adaptive);
  EXPECT_EQ(adaptive->score, 50);
  EXPECT_EQ(adaptive->factor, 0.1);
  EXPECT_FALSE(load_ok(std::string(kRoute) + "    rate_limit: [{limit: 1, window: 1s}]\n")
                   .routes[0]
                   .rate_limit[0]
                   .adaptive);
  EXPECT_EQ(problems("threat: on\n" + std::string(kRoute) +
                     "    rate_limit: {limit: 1, window: 1s, adaptive: {score: 5, factor: 2}}\n"),
            Problems{"t.yaml:6:69: routes[0].rate_limit.adaptive.factor: expected a number "
                     "above 0 to 1, got '2'"});
  EXPECT_EQ(problems("threat: on\n" + std::string(kRoute) +
                     "    rate_limit: {limit: 1, window: 1s, adaptive: {factor: 0.5}}\n"),
            Problems{"t.yaml:6:50: routes[0].rate_limit.adaptive.score: required"});
  EXPECT_EQ(
      problems(std::string(kRoute) +
               "    rate_limit: [{limit: 1, window: 1s, adaptive: {score: 5, factor: 0.5}}]\n"),
      Problems{"t.yaml:5:51: adaptive rate limits need a top-level `threat` section to "
               "score clients"});
}

}  // namespace
}  // namespace centinela::config
