// The WAF stage driven event by event: a blocked request gets the 403
// envelope with its incident id, detect mode lets it through with an
// incident, an inspectable body is asked for and inspected.
#include "waf/waf_stage.h"

#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "observe/incident_log.h"
#include "seclang/parse.h"

namespace centinela::waf {
namespace {

namespace fake = centinela::testing;
using Kind = stage::RequestVerdict::Kind;

constexpr const char* kRules = R"(
SecRule ARGS "@contains attack" "id:942100,phase:2,pass,msg:'test attack',severity:CRITICAL,setvar:tx.anomaly_score=+5"
SecRule REQUEST_HEADERS:Host "@rx ^[\d.:]+$" "id:920350,phase:1,pass,msg:'Host header is a numeric IP address',severity:WARNING,setvar:tx.anomaly_score=+3"
SecRule TX:ANOMALY_SCORE "@ge 5" "id:949110,phase:2,deny,msg:'Inbound Anomaly Score Exceeded'"
)";

struct Fixture {
  explicit Fixture(WafMode mode) {
    auto set = compile_rules(seclang::parse_text(kRules, "test.conf"));
    StageSettings settings;
    settings.mode = mode;
    settings.route = "api";
    settings.program = make_program(set, {});
    settings.metrics = false;
    settings.incidents = [this](const observe::IncidentRecord& r) {
      std::string line;
      observe::append_incident_line(line, r, observe::IncidentFormat{});
      incidents.push_back(line);
    };
    settings.threat = [this](const stage::RequestContext&, int s) { scores.push_back(s); };
    stage = make_waf_stage(std::move(settings));
    stage->set_slot(0);
  }
  std::unique_ptr<stage::Stage> stage;
  std::vector<std::string> incidents;
  std::vector<int> scores;
};

TEST(WafStage, OffMakesNoStage) {
  StageSettings settings;
  settings.mode = WafMode::off;
  EXPECT_EQ(make_waf_stage(std::move(settings)), nullptr);
}

TEST(WafStage, BlocksWithEnvelopeAndIncidentId) {
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/search?q=attack");
  request.ctx.request_id = "req-1";
  request.ctx.client_ip = "192.0.2.7";
  stage::RequestVerdict verdict = f.stage->on_request_head(request.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(verdict.local().status, 403u);
  EXPECT_EQ(request.ctx.waf_action, "blocked");
  EXPECT_EQ(request.ctx.waf_score, 5);
  EXPECT_EQ(request.ctx.incident_id.size(), 30u);
  EXPECT_TRUE(request.ctx.incident_id.starts_with("inc_"));
  EXPECT_NE(
      verdict.local().body.find("\"incident_id\":\"" + std::string(request.ctx.incident_id) + "\""),
      std::string::npos);
  EXPECT_NE(verdict.local().body.find("\"code\":\"FORBIDDEN\""), std::string::npos);
  ASSERT_EQ(f.incidents.size(), 1u);
  EXPECT_NE(f.incidents[0].find("\"rule\":942100"), std::string::npos);
  EXPECT_NE(f.incidents[0].find("\"action\":\"blocked\""), std::string::npos);
  EXPECT_EQ(f.scores, std::vector<int>{5});
}

TEST(WafStage, DetectModeRecordsAndProceeds) {
  Fixture f(WafMode::detect);
  fake::FakeRequest request("GET", "/search?q=attack");
  EXPECT_EQ(f.stage->on_request_head(request.ctx).kind(), Kind::proceed);
  EXPECT_EQ(request.ctx.waf_action, "detected");
  EXPECT_EQ(f.incidents.size(), 1u);
}

TEST(WafStage, CleanRequestPasses) {
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/search?q=shoes");
  EXPECT_EQ(f.stage->on_request_head(request.ctx).kind(), Kind::proceed);
  EXPECT_EQ(request.ctx.waf_action, "pass");
  EXPECT_EQ(request.ctx.waf_score, 0);
  EXPECT_TRUE(request.ctx.incident_id.empty());
  EXPECT_TRUE(f.incidents.empty());
}

TEST(WafStage, FindingsBelowTheThresholdAddNoThreatPoints) {
  // 920350 fires on every request of a client that addresses the gateway by
  // IP: that client must not drift into a ban.
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/search?q=shoes", {{"Host", "192.0.2.1:8080"}});
  EXPECT_EQ(f.stage->on_request_head(request.ctx).kind(), Kind::proceed);
  EXPECT_EQ(request.ctx.waf_score, 3);
  EXPECT_EQ(request.ctx.waf_action, "pass");
  EXPECT_TRUE(f.scores.empty());
  // With the attack on top it counts, the numeric Host's 3 points included.
  fake::FakeRequest attack("GET", "/search?q=attack", {{"Host", "192.0.2.1:8080"}});
  EXPECT_EQ(f.stage->on_request_head(attack.ctx).kind(), Kind::respond);
  EXPECT_EQ(f.scores, std::vector<int>{8});
}

TEST(WafStage, InspectsAJsonBody) {
  Fixture f(WafMode::block);
  const std::string body = R"({"q":"an attack"})";
  fake::FakeRequest request(
      "POST", "/search",
      {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(body.size())}});
  stage::RequestVerdict head = f.stage->on_request_head(request.ctx);
  ASSERT_EQ(head.kind(), Kind::buffer_body);
  EXPECT_EQ(head.buffer_bound(), 64u * 1024);
  stage::RequestVerdict after = f.stage->on_request_body(request.ctx, body, true);
  ASSERT_EQ(after.kind(), Kind::respond);
  EXPECT_EQ(after.local().status, 403u);
}

}  // namespace
}  // namespace centinela::waf
