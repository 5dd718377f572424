#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using std::chrono::milliseconds;
using testing::load_ok;
using testing::problems;

const std::string kPrefix = "upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n";

TEST(WebSocketRoutes, OnByDefaultUnlessTheRouteCaches) {
  Config config = load_ok(kPrefix + R"(
  - {name: plain, upstream: app}
  - {name: cached, upstream: app, cache: {}}
  - {name: cached-too, upstream: app, cache: {}, websocket: true}
  - {name: off, upstream: app, websocket: false}
)");
  ASSERT_EQ(config.routes.size(), 4u);
  EXPECT_TRUE(config.routes[0].websocket.enabled);
  EXPECT_FALSE(config.routes[1].websocket.enabled);
  EXPECT_TRUE(config.routes[2].websocket.enabled);
  EXPECT_FALSE(config.routes[3].websocket.enabled);
  EXPECT_EQ(config.routes[0].websocket.idle_timeout, milliseconds(3600 * 1000));
  EXPECT_EQ(config.routes[0].websocket.max_tunnels, 10000u);
}

TEST(WebSocketRoutes, AMapSetsTheTunnelsLimits) {
  Config config = load_ok(kPrefix + R"(
  - {name: a, upstream: app, websocket: {idle_timeout: 10m, max_tunnels: 50}}
  - {name: b, upstream: app, cache: {}, websocket: {max_tunnels: 5}}
  - {name: c, upstream: app, websocket: {enabled: false, idle_timeout: 1s}}
)");
  EXPECT_TRUE(config.routes[0].websocket.enabled);
  EXPECT_EQ(config.routes[0].websocket.idle_timeout, milliseconds(600 * 1000));
  EXPECT_EQ(config.routes[0].websocket.max_tunnels, 50u);
  EXPECT_TRUE(config.routes[1].websocket.enabled);
  EXPECT_FALSE(config.routes[2].websocket.enabled);
}

TEST(WebSocketRoutes, BadValuesAreReportedWhereTheyAre) {
  EXPECT_EQ(problems(kPrefix + "  - {name: a, upstream: app, websocket: sometimes}\n"),
            std::vector<std::string>{"t.yaml:3:41: routes[0].websocket: expected true, false or a "
                                     "map {idle_timeout, max_tunnels}, got 'sometimes'"});
  const auto bad = problems(kPrefix +
                            "  - {name: a, upstream: app, websocket: {idle_timeout: 0s, "
                            "max_tunnels: 0, idle: 5s}}\n");
  ASSERT_EQ(bad.size(), 3u);
  std::string all;
  for (const auto& line : bad) all += line + "\n";
  EXPECT_NE(all.find("t.yaml:3:"), std::string::npos) << all;
  EXPECT_NE(all.find("routes[0].websocket.idle_timeout"), std::string::npos) << all;
  EXPECT_NE(all.find("routes[0].websocket.max_tunnels"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key 'idle'"), std::string::npos) << all;
}

}  // namespace
}  // namespace centinela::config
