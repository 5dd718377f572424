#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;
using Origin = ServerTimingConfig::Origin;

const std::string kPrefix = "upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n";

TEST(ServerTimingRoutes, LeftOutTheOriginsReachLoopbackClientsOnlyAndNothingIsAdded) {
  const Config config = load_ok(kPrefix + "  - {name: plain, upstream: app}\n");
  EXPECT_EQ(config.routes[0].server_timing.origin, Origin::loopback);
  EXPECT_FALSE(config.routes[0].server_timing.add);
}

TEST(ServerTimingRoutes, EachModeAndAddAreRead) {
  const Config config = load_ok(kPrefix + R"(
  - {name: a, upstream: app, server_timing: {origin: pass}}
  - {name: b, upstream: app, server_timing: {origin: STRIP, add: true}}
  - {name: c, upstream: app, server_timing: {origin: loopback, add: false}}
  - {name: d, upstream: app, server_timing: {add: true}}
)");
  EXPECT_EQ(config.routes[0].server_timing.origin, Origin::pass);
  EXPECT_FALSE(config.routes[0].server_timing.add);
  EXPECT_EQ(config.routes[1].server_timing.origin, Origin::strip);
  EXPECT_TRUE(config.routes[1].server_timing.add);
  EXPECT_EQ(config.routes[2].server_timing.origin, Origin::loopback);
  EXPECT_EQ(config.routes[3].server_timing.origin, Origin::loopback);
  EXPECT_TRUE(config.routes[3].server_timing.add);
}

TEST(ServerTimingRoutes, BadValuesAreReportedWhereTheyAre) {
  EXPECT_EQ(problems(kPrefix + "  - {name: a, upstream: app, server_timing: {origin: pas}}\n"),
            std::vector<std::string>{"t.yaml:3:54: routes[0].server_timing.origin: expected "
                                     "loopback, pass or strip, got 'pas' (did you mean 'pass'?)"});
  const auto bad = problems(kPrefix +
                            "  - {name: a, upstream: app, server_timing: {add: maybe, adds: 1}}\n"
                            "  - {name: b, upstream: app, server_timing: strip}\n");
  ASSERT_EQ(bad.size(), 3u);
  std::string all;
  for (const auto& line : bad) all += line + "\n";
  EXPECT_NE(all.find("t.yaml:3:"), std::string::npos) << all;
  EXPECT_NE(all.find("routes[0].server_timing.add"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key 'adds'"), std::string::npos) << all;
  EXPECT_NE(all.find("t.yaml:4:"), std::string::npos) << all;
  EXPECT_NE(all.find("routes[1].server_timing: expected a map"), std::string::npos) << all;
}

}  // namespace
}  // namespace centinela::config
