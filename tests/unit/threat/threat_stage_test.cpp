// The threat stage in a chain: response statuses become signals, a banned
// user is refused, a scanner that crosses the line is refused at once, and
// the front door's answer for a banned IP. Uses the process-wide tracker,
// with a distinct client per test.
#include "threat/threat_stage.h"

#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "threat/front_door.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

config::Config load(const std::string& yaml) {
  auto result = config::load_string(yaml, "test.yaml");
  if (!result.errors.empty()) ADD_FAILURE() << result.errors.front().to_string();
  return result.config.value_or(config::Config{});
}

const std::string kYaml = std::string(R"(
upstreams: {api: {servers: ["127.0.0.1:1"]}}
threat:
  ban: {score: 20, durations: [2m]}
  scanner_data: )") + CENTINELA_CRS_DATA +
                          R"(
routes:
  - {match: {prefix: "/quiet"}, upstream: api, threat: false}
  - {match: {prefix: "/"}, upstream: api}
)";

class ThreatStageTest : public ::testing::Test {
 protected:
  ThreatStageTest() : config_(load(kYaml)) { Tracker::global().configure(config_); }
  ~ThreatStageTest() override { Tracker::global().configure(nullptr); }

  // One request through a chain of the route's threat stage; the upstream
  // answers `status`.
  testing::ClientView run(const std::string& ip, unsigned status, std::string user = {},
                          std::vector<std::pair<std::string, std::string>> fields = {},
                          std::string path = "/x") {
    std::vector<std::unique_ptr<stage::Stage>> stages;
    stages.push_back(make_threat_stage(config_, config_.routes[1]));
    pipeline::Chain chain(std::move(stages));
    testing::FakeRequest request("GET", path, std::move(fields));
    request.ctx.client_ip = ip;
    request.ctx.path = path;
    request.ctx.user = std::move(user);
    request.ctx.request_id = "req-1";
    testing::FakeDownstream down;
    testing::FakeUpstream up;
    up.respond = [status](const testing::UpstreamView&) {
      testing::ScriptedResponse response;
      response.status = status;
      return response;
    };
    EXPECT_TRUE(testing::run_pipeline(chain, request, down, up));
    last_threat_ = std::string(request.ctx.threat);
    return down.client;
  }

  config::Config config_;
  std::string last_threat_;
};

TEST_F(ThreatStageTest, OnlyRoutesWithThreatOnGetTheStage) {
  EXPECT_TRUE(make_threat_stage(config_, config_.routes[1]));
  EXPECT_FALSE(make_threat_stage(config_, config_.routes[0]));
  config::Config off = config_;
  off.threat.reset();
  EXPECT_FALSE(make_threat_stage(off, off.routes[1]));
}

TEST_F(ThreatStageTest, ResponsesBecomeSignalsForIpAndUser) {
  Tracker& tracker = Tracker::global();
  const std::string ip = "192.0.2.101";
  EXPECT_EQ(run(ip, 404).status, 404u);
  EXPECT_NEAR(tracker.score(ClientKey::ip(ip)), 1, 0.001);
  run(ip, 401);
  run(ip, 403, "carol");
  run(ip, 429, "carol");
  run(ip, 200, "carol");
  run(ip, 500, "carol");
  EXPECT_NEAR(tracker.score(ClientKey::ip(ip)), 1 + 2 + 2 + 1, 0.01);
  EXPECT_NEAR(tracker.score(ClientKey::user("carol")), 2 + 1, 0.01);
}

TEST_F(ThreatStageTest, ABannedUserIsRefusedWithRetryAfter) {
  Tracker::global().ban(ClientKey::user("dave"), 90'000'000'000);
  testing::ClientView client = run("192.0.2.102", 200, "dave");
  EXPECT_EQ(client.status, 403u);
  EXPECT_EQ(client.field("Retry-After"), "90");
  EXPECT_NE(client.body.find(R"("code":"FORBIDDEN","message":"client temporarily banned")"),
            std::string::npos)
      << client.body;
  EXPECT_NE(client.body.find(R"("retry_after_s":90)"), std::string::npos);
  EXPECT_EQ(last_threat_, "banned:user");
  // Its own answer is no new signal.
  EXPECT_EQ(Tracker::global().score(ClientKey::ip("192.0.2.102")), 0);
  EXPECT_EQ(run("192.0.2.102", 200, "erin").status, 200u);
  Tracker::global().lift(ClientKey::user("dave"));
}

TEST_F(ThreatStageTest, AScannerIsRefusedOnceOverTheLine) {
  const std::string ip = "192.0.2.103";
  testing::ClientView client = run(ip, 200, {}, {{"User-Agent", "sqlmap/1.7.2#stable"}});
  EXPECT_EQ(client.status, 403u);  // 25 points ≥ 20
  EXPECT_EQ(last_threat_, "banned:ip");
  EXPECT_TRUE(Tracker::global().banned(ClientKey::ip(ip)));
  // A restricted file alone.
  EXPECT_EQ(run("192.0.2.104", 200, {}, {}, "/.git/config").status, 403u);
  EXPECT_EQ(run("192.0.2.105", 200, {}, {}, "/api/items").status, 200u);
}

TEST_F(ThreatStageTest, FrontDoorAnswersForBannedIps) {
  const std::string ip = "192.0.2.106";
  testing::FakeRequest request("GET", "/anything");
  request.ctx.client_ip = ip;
  request.ctx.request_id = "req-2";
  EXPECT_FALSE(front_door_check(request.ctx));
  Tracker::global().ban(ClientKey::ip(ip), 60'000'000'000);
  auto answer = front_door_check(request.ctx);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 403u);
  EXPECT_EQ(std::string(answer->headers["Retry-After"]), "60");
  EXPECT_EQ(request.ctx.threat, "banned:ip");
  Tracker::global().lift(ClientKey::ip(ip));
  testing::FakeRequest again("GET", "/anything");
  again.ctx.client_ip = ip;
  EXPECT_FALSE(front_door_check(again.ctx));
}

}  // namespace
}  // namespace centinela::threat
