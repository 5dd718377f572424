// What both engines' stages end in: the score against the route's
// threshold and its mode decide the action; an attack is recorded (with the
// engine's findings) and reaches the threat hook, a pass does neither.
#include "waf/waf_outcome.h"

#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "observe/incident_id.h"
#include "observe/incident_log.h"

namespace centinela::waf {
namespace {

namespace fake = centinela::testing;
using Kind = stage::RequestVerdict::Kind;

// One finding, as an engine would report it.
class OneFinding final : public FindingList {
 public:
  std::size_t size() const override { return 1; }
  std::uint32_t rule(std::size_t) const override { return 942100; }
  FindingView at(std::size_t, std::vector<std::string_view>& tags) const override {
    tags.push_back("attack-sqli");
    return {942100, "SQL Injection Attack", tags, 2, "ARGS:id", "1' OR '1'='1"};
  }
};

struct Fixture {
  explicit Fixture(WafMode mode) {
    OutcomeSettings settings;
    settings.mode = mode;
    settings.route = "api";
    settings.metrics = false;
    settings.incidents = [this](const observe::IncidentRecord& r) {
      std::string line;
      observe::append_incident_line(line, r, observe::IncidentFormat{});
      incidents.push_back(line);
    };
    settings.threat = [this](const stage::RequestContext&, int s) { scores.push_back(s); };
    outcome.emplace(std::move(settings));
  }
  Assessment assessment(std::int64_t score, bool disrupted = false) const {
    Assessment a;
    a.score = score;
    a.threshold = 5;
    a.disrupted = disrupted;
    a.findings = &findings;
    a.findings_total = 1;
    a.started = std::chrono::steady_clock::now();
    return a;
  }
  std::optional<Outcome> outcome;
  OneFinding findings;
  std::vector<std::string> incidents;
  std::vector<int> scores;
  observe::IncidentId incident;
};

TEST(WafOutcome, BelowTheThresholdPassesUnrecorded) {
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/users?id=1");
  const stage::RequestVerdict verdict = f.outcome->decide(request.ctx, f.assessment(3), f.incident);
  EXPECT_EQ(verdict.kind(), Kind::proceed);
  EXPECT_EQ(request.ctx.waf_action, "pass");
  EXPECT_EQ(request.ctx.waf_score, 3);
  EXPECT_TRUE(request.ctx.incident_id.empty());
  EXPECT_TRUE(f.incidents.empty());
  EXPECT_TRUE(f.scores.empty()) << "a pass adds nothing to the client's threat score";
}

TEST(WafOutcome, AtTheThresholdBlockModeAnswers403WithTheIncident) {
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/users?id=1");
  request.ctx.request_id = "req-1";
  stage::RequestVerdict verdict = f.outcome->decide(request.ctx, f.assessment(5), f.incident);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(verdict.local().status, 403u);
  EXPECT_NE(verdict.local().body.find(std::string(request.ctx.incident_id)), std::string::npos);
  EXPECT_EQ(request.ctx.waf_action, "blocked");
  ASSERT_EQ(f.incidents.size(), 1u);
  EXPECT_NE(f.incidents[0].find(R"("rule":942100)"), std::string::npos) << f.incidents[0];
  EXPECT_NE(f.incidents[0].find(R"("tags":["attack-sqli"])"), std::string::npos) << f.incidents[0];
  EXPECT_NE(f.incidents[0].find(R"("target":"ARGS:id")"), std::string::npos) << f.incidents[0];
  EXPECT_EQ(f.scores, std::vector<int>{5});
}

TEST(WafOutcome, DetectModeRecordsAndLetsThrough) {
  Fixture f(WafMode::detect);
  fake::FakeRequest request("GET", "/users?id=1");
  const stage::RequestVerdict verdict = f.outcome->decide(request.ctx, f.assessment(8), f.incident);
  EXPECT_EQ(verdict.kind(), Kind::proceed);
  EXPECT_EQ(request.ctx.waf_action, "detected");
  EXPECT_FALSE(request.ctx.incident_id.empty());
  EXPECT_EQ(f.incidents.size(), 1u);
  EXPECT_EQ(f.scores, std::vector<int>{8});
}

TEST(WafOutcome, AnEnginesOwnDenyCountsBelowTheThreshold) {
  Fixture f(WafMode::block);
  fake::FakeRequest request("GET", "/users?id=1");
  const stage::RequestVerdict verdict =
      f.outcome->decide(request.ctx, f.assessment(0, true), f.incident);
  EXPECT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(request.ctx.waf_action, "blocked");
}

}  // namespace
}  // namespace centinela::waf
