// The top-level and per-route `waf:` sections: defaults, every key, and the
// problems `centinela check` reports.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

constexpr const char* kUpstream = "upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\n";

Config load_routes(const std::string& routes, const std::string& top = "") {
  return load_ok(std::string(kUpstream) + top + "routes:\n" + routes);
}

Problems route_problems(const std::string& routes, const std::string& top = "") {
  return problems(std::string(kUpstream) + top + "routes:\n" + routes);
}

TEST(WafConfig, ARouteAloneWorksWithEveryDefault) {
  Config config = load_routes("  - {upstream: app, waf: {mode: block, paranoia: 1}}\n");
  const RouteWafConfig& route = config.routes[0].waf;
  EXPECT_EQ(route.mode, WafMode::block);
  EXPECT_EQ(route.paranoia, 1u);
  EXPECT_EQ(route.anomaly_threshold, 5u);
  EXPECT_EQ(route.inspect_body_bytes, 64u * 1024);
  EXPECT_TRUE(route.exclusions.empty());
  EXPECT_TRUE(route.threat);
  const WafConfig& waf = config.waf;
  EXPECT_EQ(waf.engine, WafEngine::centinela);
  ASSERT_EQ(waf.rules.size(), 4u);
  EXPECT_EQ(waf.rules[0].path, "/etc/modsecurity/crs/crs-setup.conf");
  EXPECT_EQ(waf.rules[2].path, "/usr/share/modsecurity-crs/rules/*.conf");
  EXPECT_TRUE(waf.rules[1].optional);
  EXPECT_FALSE(waf.rules[2].optional);
  EXPECT_EQ(waf.profile, WafProfile::api);
  EXPECT_TRUE(waf.native.sql && waf.native.xss && waf.native.shell && waf.native.path);
  EXPECT_EQ(waf.decode.max_depth, 3u);
  EXPECT_FALSE(waf.inspect_response);
  EXPECT_EQ(waf.pcre.match_limit, 10000u);
  EXPECT_EQ(waf.pcre.depth_limit, 1000u);
  EXPECT_EQ(waf.compile_cache, "/var/cache/centinela/waf");
  // The access log defaults to stdout: incidents share the stream.
  EXPECT_TRUE(waf.incident_log.enabled);
  EXPECT_EQ(waf.incident_log.path, "stdout");
  EXPECT_EQ(waf.incident_log.excerpt_bytes, 64u);
}

TEST(WafConfig, RoutesWithoutWafAreOff) {
  Config config = load_routes("  - {upstream: app}\n");
  EXPECT_EQ(config.routes[0].waf.mode, WafMode::off);
  EXPECT_EQ(load_ok("").waf.incident_log.path, "stdout");
}

TEST(WafConfig, EveryTopLevelKey) {
  Config config = load_ok(R"(
log:
  access: {path: /var/log/centinela/access.log, rotate: {max_size: 10MiB, keep: 3}}
waf:
  engine: modsecurity
  profile: crs
  rules: [/etc/x/setup.conf, {path: "/etc/x/rules/*.conf", optional: true}]
  native: {sql: true, xss: false, shell: true, path: false}
  decode: {base64: false, hex: true, unicode: false, max_depth: 5}
  anomaly_threshold: 10
  inspect_body_bytes: 128KiB
  inspect_response: true
  pcre: {match_limit: 5000, depth_limit: 200}
  compile_cache: off
  incident_log: {rotate: {daily: true}, excerpt_bytes: 32}
)");
  const WafConfig& waf = config.waf;
  EXPECT_EQ(waf.engine, WafEngine::modsecurity);
  EXPECT_EQ(waf.profile, WafProfile::crs);
  ASSERT_EQ(waf.rules.size(), 2u);
  EXPECT_EQ(waf.rules[0].path, "/etc/x/setup.conf");
  EXPECT_FALSE(waf.rules[0].optional);
  EXPECT_EQ(waf.rules[1].path, "/etc/x/rules/*.conf");
  EXPECT_TRUE(waf.rules[1].optional);
  EXPECT_FALSE(waf.native.xss);
  EXPECT_FALSE(waf.native.path);
  EXPECT_TRUE(waf.native.sql);
  EXPECT_FALSE(waf.decode.base64);
  EXPECT_TRUE(waf.decode.hex);
  EXPECT_EQ(waf.decode.max_depth, 5u);
  EXPECT_EQ(waf.anomaly_threshold, 10u);
  EXPECT_EQ(waf.inspect_body_bytes, 128u * 1024);
  EXPECT_TRUE(waf.inspect_response);
  EXPECT_EQ(waf.pcre.match_limit, 5000u);
  EXPECT_EQ(waf.pcre.depth_limit, 200u);
  EXPECT_TRUE(waf.compile_cache.empty());
  // Beside the access log, rotated like it unless told otherwise.
  EXPECT_EQ(waf.incident_log.path, "/var/log/centinela/incidents.log");
  EXPECT_EQ(waf.incident_log.rotate.max_size, 10u * 1024 * 1024);
  EXPECT_EQ(waf.incident_log.rotate.keep, 3u);
  EXPECT_TRUE(waf.incident_log.rotate.daily);
  EXPECT_EQ(waf.incident_log.excerpt_bytes, 32u);
}

TEST(WafConfig, IncidentLogPaths) {
  EXPECT_EQ(load_ok("log: {access: stderr}\n").waf.incident_log.path, "stderr");
  EXPECT_EQ(load_ok("log: {access: off}\n").waf.incident_log.path, "stderr");
  EXPECT_EQ(load_ok("log: {access: access.log}\n").waf.incident_log.path, "incidents.log");
  EXPECT_EQ(load_ok("waf: {incident_log: /tmp/i.log}\n").waf.incident_log.path, "/tmp/i.log");
  EXPECT_FALSE(load_ok("waf: {incident_log: off}\n").waf.incident_log.enabled);
  EXPECT_EQ(load_ok("waf: {incident_log: {path: stderr}}\n").waf.incident_log.path, "stderr");
}

TEST(WafConfig, SwitchesForNativeAndDecode) {
  Config config = load_ok("waf: {native: off, decode: off}\n");
  EXPECT_FALSE(config.waf.native.sql || config.waf.native.xss || config.waf.native.shell ||
               config.waf.native.path);
  EXPECT_FALSE(config.waf.decode.base64 || config.waf.decode.hex || config.waf.decode.unicode);
  EXPECT_EQ(config.waf.decode.max_depth, 0u);
}

TEST(WafConfig, RouteKeysAndInheritedDefaults) {
  Config config = load_routes(R"(
  - name: api
    upstream: app
    waf:
      mode: detect
      paranoia: 3
      anomaly_threshold: 7
      inspect_body_bytes: 1MiB
      threat: false
      exclusions:
        - {rule: 942100}
        - {tag: attack-sqli, args: [q, "json.query"]}
        - {rules: [941100, "920370-920390"], args: ["/^json\\./"], headers: [X-Template], cookies: [session]}
  - {name: b, upstream: app, waf: block}
  - {name: c, upstream: app, waf: {paranoia: 2}}
  - {name: d, upstream: app, waf: off}
)",
                              "waf: {anomaly_threshold: 12, inspect_body_bytes: 8KiB}\n");
  const RouteWafConfig& api = config.routes[0].waf;
  EXPECT_EQ(api.mode, WafMode::detect);
  EXPECT_EQ(api.paranoia, 3u);
  EXPECT_EQ(api.anomaly_threshold, 7u);
  EXPECT_EQ(api.inspect_body_bytes, 1024u * 1024);
  EXPECT_FALSE(api.threat);
  ASSERT_EQ(api.exclusions.size(), 3u);
  ASSERT_EQ(api.exclusions[0].rules.size(), 1u);
  EXPECT_EQ(api.exclusions[0].rules[0].first, 942100u);
  EXPECT_EQ(api.exclusions[0].rules[0].last, 942100u);
  EXPECT_TRUE(api.exclusions[0].args.empty());
  EXPECT_EQ(api.exclusions[1].tag, "attack-sqli");
  EXPECT_EQ(api.exclusions[1].args, (std::vector<std::string>{"q", "json.query"}));
  ASSERT_EQ(api.exclusions[2].rules.size(), 2u);
  EXPECT_TRUE(api.exclusions[2].rules[1].contains(920380));
  EXPECT_FALSE(api.exclusions[2].rules[1].contains(920391));
  EXPECT_EQ(api.exclusions[2].args, (std::vector<std::string>{"/^json\\./"}));
  EXPECT_EQ(api.exclusions[2].headers, (std::vector<std::string>{"x-template"}));
  EXPECT_EQ(api.exclusions[2].cookies, (std::vector<std::string>{"session"}));
  EXPECT_GT(api.exclusions[2].line, 0u);
  // Shorthand and defaults from the top level.
  EXPECT_EQ(config.routes[1].waf.mode, WafMode::block);
  EXPECT_EQ(config.routes[1].waf.anomaly_threshold, 12u);
  EXPECT_EQ(config.routes[1].waf.inspect_body_bytes, 8u * 1024);
  EXPECT_EQ(config.routes[2].waf.mode, WafMode::block);  // a written section turns it on
  EXPECT_EQ(config.routes[2].waf.paranoia, 2u);
  EXPECT_EQ(config.routes[3].waf.mode, WafMode::off);
}

TEST(WafConfigErrors, UnknownKeysWithHints) {
  EXPECT_EQ(problems("waf: {engin: centinela}\n"),
            Problems{"t.yaml:1:7: unknown key 'engin' in waf (did you mean 'engine'?)"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {mode: block, paranoya: 2}}\n"),
            Problems{"t.yaml:3:40: unknown key 'paranoya' in routes[0].waf "
                     "(did you mean 'paranoia'?)"});
  EXPECT_EQ(problems("waf: {decode: {base46: true}}\n"),
            Problems{"t.yaml:1:16: unknown key 'base46' in waf.decode (did you mean 'base64'?)"});
}

TEST(WafConfigErrors, BadValues) {
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {paranoia: 5}}\n"),
            Problems{"t.yaml:3:37: routes[0].waf.paranoia: expected a whole number from 1 to 4, "
                     "got '5'"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {mode: blok}}\n"),
            Problems{"t.yaml:3:33: routes[0].waf.mode: expected off, detect or block, got 'blok' "
                     "(did you mean 'block'?)"});
  EXPECT_EQ(problems("waf: {profile: rest}\n"),
            Problems{"t.yaml:1:16: waf.profile: expected api or crs, got 'rest'"});
  EXPECT_EQ(problems("waf: {profile: cr}\n"),
            Problems{"t.yaml:1:16: waf.profile: expected api or crs, got 'cr' (did you mean "
                     "'crs'?)"});
  EXPECT_EQ(problems("waf: {engine: modsec}\n"),
            Problems{"t.yaml:1:15: waf.engine: expected centinela or modsecurity, got 'modsec' "
                     "(did you mean 'modsecurity'?)"});
  EXPECT_EQ(problems("waf: {anomaly_threshold: 0}\n"),
            Problems{"t.yaml:1:26: waf.anomaly_threshold: expected a whole number from 1 to "
                     "1000000, got '0'"});
  EXPECT_EQ(problems("waf: {decode: {max_depth: 9}}\n"),
            Problems{"t.yaml:1:27: waf.decode.max_depth: expected a whole number from 0 to 8, "
                     "got '9'"});
}

TEST(WafConfigErrors, BadSizes) {
  EXPECT_EQ(problems("waf: {inspect_body_bytes: 64KB2}\n").size(), 1u);
  EXPECT_EQ(problems("waf: {inspect_body_bytes: 64QiB}\n")[0].substr(0, 37),
            "t.yaml:1:27: waf.inspect_body_bytes: ");
  EXPECT_EQ(problems("waf: {inspect_body_bytes: 1GiB}\n"),
            Problems{"t.yaml:1:27: waf.inspect_body_bytes: at most 16MiB (the inspected part is "
                     "held in memory)"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {inspect_body_bytes: 17MiB}}\n"),
            Problems{"t.yaml:3:47: routes[0].waf.inspect_body_bytes: at most 16MiB (the "
                     "inspected part is held in memory)"});
  EXPECT_EQ(problems("waf: {incident_log: {excerpt_bytes: 5000}}\n"),
            Problems{"t.yaml:1:37: waf.incident_log.excerpt_bytes: expected a whole number from "
                     "0 to 4096, got '5000'"});
}

TEST(WafConfigErrors, Exclusions) {
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{args: [q]}]}}\n"),
            Problems{"t.yaml:3:40: routes[0].waf.exclusions[0]: needs rule, rules or tag (which "
                     "rules the exclusion is about)"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{rule: 1, tag: x}]}}\n"),
            Problems{"t.yaml:3:55: routes[0].waf.exclusions[0].tag: use only one of rule, rules "
                     "and tag"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{rule: abc}]}}\n"),
            Problems{"t.yaml:3:47: routes[0].waf.exclusions[0].rule: expected a rule id (1 to "
                     "99999999) or a range such as 920370-920390, got 'abc'"});
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{rules: [\"9-3\"]}]}}\n").size(),
            1u);
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{tag: x, args: [\"/(/\"]}]}}\n")
                .size(),
            1u);
  EXPECT_EQ(route_problems("  - {upstream: app, waf: {exclusions: [{tag: x, argz: [q]}]}}\n"),
            Problems{"t.yaml:3:49: unknown key 'argz' in routes[0].waf.exclusions[0] "
                     "(did you mean 'args'?)"});
}

TEST(WafConfigErrors, RuleFilesMustExistWhenARouteInspects) {
  // No route inspects: the rules are not read, so not checked.
  EXPECT_TRUE(problems("waf: {rules: [/nonexistent/a.conf]}\n").empty());
  EXPECT_EQ(route_problems("  - {upstream: app, waf: block}\n",
                           "waf: {rules: [/nonexistent/a.conf, {path: /nope/*.conf, optional: "
                           "true}]}\n"),
            Problems{"t.yaml:2:15: waf.rules: '/nonexistent/a.conf' matches no readable file"});
}

}  // namespace
}  // namespace centinela::config
