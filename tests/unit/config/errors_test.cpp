// Each kind of problem is reported at the offending node as FILE:LINE:COLUMN.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::problems;
using Problems = std::vector<std::string>;

constexpr const char* kUpstream = "upstreams:\n  api: {servers: [\"127.0.0.1:9000\"]}\n";

TEST(ConfigErrors, UnknownKeySuggestsTheClosestKnownKey) {
  EXPECT_EQ(problems("server:\n  listn: [\"127.0.0.1:8080\"]\n"),
            Problems{"t.yaml:2:3: unknown key 'listn' in server (did you mean 'listen'?)"});
  EXPECT_EQ(problems("rotues: []\n"),
            Problems{"t.yaml:1:1: unknown key 'rotues' at the top level (did you mean 'routes'?)"});
  EXPECT_EQ(problems("server:\n  limits: {max_body: 1MiB}\n"),
            Problems{"t.yaml:2:12: unknown key 'max_body' in server.limits "
                     "(did you mean 'max_body_bytes'?)"});
}

TEST(ConfigErrors, UnknownKeyWithNothingCloseListsTheKeys) {
  EXPECT_EQ(problems("admin:\n  database: x\n"),
            Problems{"t.yaml:2:3: unknown key 'database' in admin (expected one of listen, token, "
                     "token_file, allowed_hosts, live_stats)"});
}

TEST(ConfigErrors, AdminLiveStatsIsABoolean) {
  EXPECT_EQ(problems("admin:\n  live_stats: sometimes\n"),
            Problems{"t.yaml:2:15: admin.live_stats: expected a boolean (true or false), "
                     "got 'sometimes'"});
  EXPECT_EQ(problems("admin: {live_stats: [true]}\n"),
            Problems{"t.yaml:1:21: admin.live_stats: expected a boolean (true or false), "
                     "got a list"});
}

TEST(ConfigErrors, AnOpenAdminListenerOffLoopbackAndBadAllowedHosts) {
  EXPECT_EQ(problems("admin:\n  listen: \"0.0.0.0:9901\"\n"),
            Problems{"t.yaml:2:11: admin.listen: '0.0.0.0:9901' is reachable from the network; "
                     "set admin.token (or listen on 127.0.0.1)"});
  EXPECT_TRUE(problems("admin:\n  listen: \"0.0.0.0:9901\"\n  token: t\n").empty());
  EXPECT_TRUE(problems("admin:\n  listen: \"127.8.0.1:9901\"\n").empty());
  EXPECT_TRUE(problems("admin:\n  listen: \"[::1]:9901\"\n").empty());
  EXPECT_EQ(problems("admin:\n  allowed_hosts: [ok.example, \"evil.example:80\"]\n"),
            Problems{"t.yaml:2:31: admin.allowed_hosts: 'evil.example:80' is not a host name "
                     "(letters, digits, '-', '.'; no port), or \"*\" for any"});
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_EQ(problems("server:\n  listen: 7\n"),
            Problems{"t.yaml:2:11: server.listen: bad address '7': missing port (expected "
                     "host:port, e.g. 127.0.0.1:8080 or [::1]:8080)"});
  EXPECT_EQ(problems("server:\n  listen: [[a]]\n"),
            Problems{"t.yaml:2:12: server.listen: expected a string, got a list"});
  EXPECT_EQ(problems("log:\n  access: {rotate: {daily: maybe}}\n"),
            Problems{"t.yaml:2:28: log.access.rotate.daily: expected a boolean (true or false), "
                     "got 'maybe'"});
  EXPECT_EQ(problems("server:\n  workers: 300\n"),
            Problems{"t.yaml:2:12: server.workers: expected a whole number from 0 to 256, "
                     "got '300'"});
  EXPECT_EQ(problems("routes: {upstream: api}\n"),
            Problems{"t.yaml:1:9: routes: expected a list of routes, got a map"});
  EXPECT_EQ(problems("server: [1]\n"),
            Problems{"t.yaml:1:9: server: expected a map of keys (one of listen, workers, "
                     "drain_timeout, limits, trusted_proxies), got a list"});
}

TEST(ConfigErrors, BadDuration) {
  EXPECT_EQ(problems("server:\n  drain_timeout: 10\n"),
            Problems{"t.yaml:2:18: server.drain_timeout: bad duration '10': missing unit "
                     "(ms, s, m, h or d)"});
  EXPECT_EQ(problems("server:\n  limits:\n    idle_timeout: -1s\n"),
            Problems{"t.yaml:3:19: server.limits.idle_timeout: bad duration '-1s': must not be "
                     "negative"});
}

TEST(ConfigErrors, BadSize) {
  EXPECT_EQ(problems("cache:\n  memory: 10M\n"),
            Problems{"t.yaml:2:11: cache.memory: bad size '10M': unknown unit 'M' "
                     "(use B, KiB, MiB, GiB, KB, MB or GB)"});
}

TEST(ConfigErrors, LimitsMustBePositive) {
  EXPECT_EQ(problems("server:\n  limits: {max_body_bytes: 0, max_connections: 0}\n"),
            (Problems{"t.yaml:2:28: server.limits.max_body_bytes: must be greater than 0",
                      "t.yaml:2:48: server.limits.max_connections: expected a whole number "
                      "from 1 to 10000000, got '0'"}));
}

TEST(ConfigErrors, UnknownUpstream) {
  EXPECT_EQ(problems(std::string(kUpstream) + "routes:\n  - upstream: apx\n"),
            Problems{"t.yaml:4:15: routes[0].upstream: unknown upstream 'apx' "
                     "(did you mean 'api'?)"});
  EXPECT_EQ(problems(std::string(kUpstream) + "routes:\n  - upstream: billing\n"),
            Problems{"t.yaml:4:15: routes[0].upstream: unknown upstream 'billing' "
                     "(defined: api)"});
  EXPECT_EQ(problems(std::string(kUpstream) + "routes:\n  - match: {prefix: /}\n"),
            Problems{"t.yaml:4:5: routes[0].upstream: required"});
}

TEST(ConfigErrors, DuplicateListeners) {
  EXPECT_EQ(problems("server:\n  listen: [\"0.0.0.0:80\", \"0.0.0.0:80\"]\n"),
            Problems{"t.yaml:2:26: server.listen: duplicate listener '0.0.0.0:80'"});
  EXPECT_EQ(problems("server:\n  listen: \"127.0.0.1:9901\"\nadmin:\n  listen: 127.0.0.1:9901\n"),
            Problems{"t.yaml:4:11: admin.listen: duplicate listener '127.0.0.1:9901'"});
  // The default listener counts too.
  EXPECT_EQ(problems("admin: {listen: \"127.0.0.1:8080\"}\n"),
            Problems{"t.yaml:1:17: admin.listen: duplicate listener '127.0.0.1:8080'"});
}

TEST(ConfigErrors, BadRegex) {
  auto found = problems(std::string(kUpstream) +
                        "routes:\n  - match: {regex: \"^/(a\"}\n"
                        "    upstream: api\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(
      found[0].starts_with("t.yaml:4:20: routes[0].match.regex: bad regular expression '^/(a': "))
      << found[0];
}

TEST(ConfigErrors, YamlSyntaxError) {
  auto found = problems("server:\n  listen: [\"127.0.0.1:8080\"\nadmin: {}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].starts_with("t.yaml:3:")) << found[0];
  EXPECT_NE(found[0].find("YAML syntax error: "), std::string::npos) << found[0];

  auto tab = problems("server:\n\tworkers: 2\n");
  ASSERT_EQ(tab.size(), 1u);
  EXPECT_TRUE(tab[0].starts_with("t.yaml:2:")) << tab[0];
  EXPECT_TRUE(tab[0].ends_with("(indent with spaces: YAML does not allow tabs)")) << tab[0];
}

TEST(ConfigErrors, EveryProblemIsReportedInFileOrder) {
  auto found = problems(R"(server:
  workers: lots
  drain_timeout: 5 s
upstreams:
  api:
    servers: []
    timout: 5s
routes:
  - match: {prefix: api, methods: [GET, FETCH]}
    upstream: api
)");
  EXPECT_EQ(found,
            (Problems{
                "t.yaml:2:12: server.workers: expected a whole number from 0 to 256, "
                "got 'lots'",
                "t.yaml:3:18: server.drain_timeout: bad duration '5 s': unknown unit ' s' "
                "(use ms, s, m, h or d)",
                "t.yaml:6:14: upstreams.api.servers: needs at least one server",
                "t.yaml:7:5: unknown key 'timout' in upstreams.api (did you mean "
                "'timeout'?)",
                "t.yaml:9:21: routes[0].match.prefix: must start with '/', got 'api'",
                "t.yaml:9:41: routes[0].match.methods: unknown HTTP method 'FETCH' (did you mean "
                "'PATCH'?)",
            }));
}

TEST(ConfigErrors, CrossSectionRules) {
  EXPECT_EQ(problems("cache: {shared: redis}\n"),
            Problems{"t.yaml:1:17: cache.shared: redis needs a top-level `redis` section with "
                     "its url"});
  EXPECT_EQ(problems("log:\n  slow_request: {normal: 1s, slow: 500ms}\n"),
            Problems{"t.yaml:2:17: log.slow_request: thresholds must increase: normal (1000ms) "
                     "< slow (500ms) < very_slow (3000ms)"});
  EXPECT_EQ(problems("redis: {url: \"http://127.0.0.1:6379\"}\n"),
            Problems{"t.yaml:1:14: redis.url: unsupported scheme 'http' "
                     "(expected redis[s]://[[user]:password@]host[:port][/db])"});
  EXPECT_EQ(problems("redis: {url: \"redis://127.0.0.1:99999\"}\n"),
            Problems{"t.yaml:1:14: redis.url: bad address '127.0.0.1:99999': port must be a "
                     "number from 1 to 65535"});
}

TEST(ConfigErrors, RouteRules) {
  const std::string head = std::string(kUpstream) + "routes:\n";
  EXPECT_EQ(problems(head + "  - {match: {exact: /a, prefix: /b}, upstream: api}\n"),
            Problems{"t.yaml:4:33: routes[0].match.prefix: use only one of exact, prefix and "
                     "regex"});
  EXPECT_EQ(problems(head + "  - {upstream: api}\n  - {upstream: api}\n"),
            Problems{"t.yaml:5:5: duplicate route name '/' (first used on line 4); give one of "
                     "them a different `name`"});
  EXPECT_EQ(problems(head + "  - upstream: api\n    cors: {allow_credentials: true}\n"),
            Problems{"t.yaml:5:31: routes[0].cors.allow_credentials: cannot be used with "
                     "allow_origins \"*\"; list the allowed origins"});
  EXPECT_EQ(
      problems(head + "  - upstream: api\n    rate_limit: [{key: ipp, limit: 0}]\n"),
      (Problems{
          "t.yaml:5:18: routes[0].rate_limit[0].window: required",
          "t.yaml:5:24: routes[0].rate_limit[0].key: unknown key part 'ipp' "
          "(expected one of ip, user, api_key, client_cert, client_cert_sha256, route, global, "
          "header:NAME)",
          "t.yaml:5:36: routes[0].rate_limit[0].limit: expected a whole number "
          "from 1 to 4294967295, got '0'"}));
  EXPECT_EQ(problems(head + "  - upstream: api\n    security_headers: {x_frame_option: DENY}\n"),
            Problems{"t.yaml:5:24: unknown key 'x_frame_option' in routes[0].security_headers "
                     "(did you mean 'x_frame_options'?)"});
  EXPECT_EQ(problems(head + "  - upstream: api\n    compression: {algorithms: [gzp]}\n"),
            Problems{"t.yaml:5:32: routes[0].compression.algorithms: unknown algorithm 'gzp', "
                     "expected br, zstd or gzip (did you mean 'gzip'?)"});
}

TEST(ConfigErrors, DuplicateKeysAreReported) {
  EXPECT_EQ(problems("server:\n  workers: 1\n  workers: 2\n"),
            Problems{"t.yaml:3:3: duplicate key 'server.workers'"});
}

TEST(ConfigErrors, HealthCheckPathMustBeAbsolute) {
  EXPECT_EQ(problems("upstreams:\n  api: {servers: [a:1], health_check: {path: health}}\n"),
            Problems{"t.yaml:2:46: upstreams.api.health_check.path: must start with '/'"});
}

TEST(ConfigErrors, ToStringWithoutPosition) {
  ConfigError error{"c.yaml", 0, 0, "cannot open file"};
  EXPECT_EQ(error.to_string(), "c.yaml: cannot open file");
  ConfigError placed{"c.yaml", 3, 7, "bad"};
  EXPECT_EQ(placed.to_string(), "c.yaml:3:7: bad");
}

}  // namespace
}  // namespace centinela::config
