// Attack detection end to end, with Debian's OWASP CRS loaded as it is: a
// route's `waf: {mode: block, paranoia: 1}` alone blocks an injection with
// the contract's 403 and an incident id (the origin never sees it), lets an
// API's everyday requests through, inspects JSON bodies, records the incident
// (incident log, access log, admin API, metrics); detect mode only records;
// findings raise the client's threat score until it is banned; `check`
// refuses exclusions naming rules that do not exist.
#include "child_process.h"
#include "eventually.h"
#include "temp_dir.h"
#include "waf_fixture.h"

namespace itest {
namespace {

TEST_F(WafTest, BlocksSqlInjectionAndRecordsTheIncident) {
  ASSERT_TRUE(start_with("{mode: block, paranoia: 1}"));
  const std::size_t before = origin_.request_count();
  HttpResponse blocked = get("/api/users?id=1%27%20OR%20%271%27%3D%271", from(kAttacker));
  ASSERT_TRUE(is_waf_block(blocked));
  EXPECT_EQ(origin_.request_count(), before) << "the origin saw the attack";
  const std::string id = incident_id_of(blocked);

  auto incident = wait_for_incident(id);
  ASSERT_TRUE(incident) << incident_log_text();
  EXPECT_EQ(incident->string_at("action"), "blocked");
  EXPECT_EQ(incident->string_at("client_ip"), kAttacker);
  EXPECT_EQ(incident->string_at("path"), "/api/users");
  EXPECT_EQ(incident->string_at("request_id"), blocked.header("x-request-id").value_or("?"));
  EXPECT_NE(incident_log_text().find("\"rule\":942"), std::string::npos) << incident_log_text();

  auto logged = wait_for_access_log(
      [&](const JsonValue& line) { return line.string_at("incident_id") == id; });
  ASSERT_TRUE(logged) << access_log_text();
  EXPECT_EQ(logged->string_at("waf_action"), "blocked");

  HttpResponse listed = admin_get("/admin/waf/incidents?limit=5");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find(id), std::string::npos) << listed.body;
  EXPECT_GE(metric("centinela_waf_actions_total", {{"route", "/api/"}, {"action", "blocked"}})
                .value_or(0),
            1)
      << metrics_text();
}

TEST_F(WafTest, EverydayApiRequestsPass) {
  ASSERT_TRUE(start_with("{mode: block, paranoia: 1}"));
  // Names with quotes, prose mentioning SQL words, markup-ish text, a JWT.
  for (const char* target :
       {"/api/users?name=O%27Brien", "/api/search?q=select+a+drop-down+menu",
        "/api/orders?status=shipped&page=2&sort=-created_at", "/api/search?q=%22exact+phrase%22"}) {
    HttpResponse response = get(target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
  }
  HttpResponse note = post_json(
      "/api/orders", R"({"customer":"Siobhán O'Brien","note":"Please select the blue one; )"
                     R"(drop it at the back door if I'm out.","items":[{"sku":"A-1","qty":2}]})");
  EXPECT_EQ(note.status, 200) << note.body;
  auto received = origin_.last_request("/api/orders");
  ASSERT_TRUE(received);
  EXPECT_NE(received->body.find("O'Brien"), std::string::npos)
      << "the body reached the origin whole";
}

TEST_F(WafTest, InspectsJsonBodies) {
  ASSERT_TRUE(start_with("{mode: block, paranoia: 1}"));
  HttpResponse xss =
      post_json("/api/comments", R"({"text":"<script>alert(document.cookie)</script>"})");
  EXPECT_TRUE(is_waf_block(xss));
  HttpResponse sqli = post_json("/api/login", R"({"user":"admin' OR 1=1-- ","password":"x"})");
  EXPECT_TRUE(is_waf_block(sqli));
  EXPECT_EQ(origin_.request_count("/api/comments") + origin_.request_count("/api/login"), 0u);
}

TEST_F(WafTest, RoutesWithoutTheWafAreNotInspected) {
  ASSERT_TRUE(start_with("{mode: block, paranoia: 1}"));
  HttpResponse other = get("/public?id=1%27%20OR%20%271%27%3D%271");
  EXPECT_EQ(other.status, 200) << other.body;
}

TEST_F(WafTest, AnotherSpellingOfThePathIsStillInspected) {
  ASSERT_TRUE(start_with("{mode: block, paranoia: 1}"));
  // Normalised to /api/users by the front door: the route's WAF runs.
  HttpResponse dotted = get("/static/..%2Fapi/users?id=1%27%20OR%20%271%27%3D%271");
  EXPECT_TRUE(dotted.status == 400 || is_waf_block(dotted)) << dotted.status;
  HttpResponse doubled = get("//api//users?id=1%27%20OR%20%271%27%3D%271");
  EXPECT_TRUE(doubled.status == 400 || is_waf_block(doubled)) << doubled.status;
}

TEST_F(WafTest, DetectModeRecordsButLetsThrough) {
  ASSERT_TRUE(start_with("{mode: detect, paranoia: 1}"));
  HttpResponse response = get("/api/users?id=1%27%20OR%20%271%27%3D%271");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string request_id = response.header("x-request-id").value_or("?");
  auto logged = wait_for_access_log(
      [&](const JsonValue& line) { return line.string_at("request_id") == request_id; });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("waf_action"), "detected");
  const std::string id = logged->string_at("incident_id");
  ASSERT_FALSE(id.empty());
  auto incident = wait_for_incident(id);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->string_at("action"), "detected");
}

TEST_F(WafTest, RepeatedAttacksBanTheClient) {
  ASSERT_TRUE(
      start_with("{mode: block, paranoia: 1}", "threat: {ban: {score: 20, durations: [1m]}}\n"));
  for (int i = 0; i < 10; ++i) {
    HttpResponse r =
        get(fmt::format("/api/users?id={}%27%20OR%20%271%27%3D%271", i), from(kAttacker));
    if (r.status == 403 && incident_id_of(r).empty()) break;  // the ban answered
  }
  // Banned now: even an innocent request, on any route, is refused.
  HttpResponse after = get("/public/index.html", from(kAttacker));
  EXPECT_EQ(after.status, 403) << after.body;
  EXPECT_NE(after.body.find("client temporarily banned"), std::string::npos) << after.body;
  // Others are served.
  EXPECT_EQ(get("/public/index.html", from("203.0.113.7")).status, 200);
  // The ban is an incident of its own, beside the blocks that led to it.
  const std::string ip(kAttacker);
  HttpResponse incidents = admin_get("/admin/waf/incidents?ip=" + ip);
  ASSERT_EQ(incidents.status, 200);
  EXPECT_NE(incidents.body.find(R"("action":"banned")"), std::string::npos) << incidents.body;
  EXPECT_NE(incidents.body.find(R"("signal":"waf")"), std::string::npos) << incidents.body;
  EXPECT_NE(incidents.body.find(R"("action":"blocked")"), std::string::npos) << incidents.body;
}

TEST_F(WafTest, CheckRefusesAnExclusionOfAnUnknownRule) {
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, waf: {mode: block, exclusions: [{rule: 999999}]}})"};
  write_config_file();
  const CommandResult check =
      run_command({centinela_binary(), "check", "-c", config_path_}, std::chrono::seconds(120));
  EXPECT_EQ(check.exit_code, 1) << check.output();
  EXPECT_NE(check.err.find(config_path_ + ":"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("999999"), std::string::npos) << check.err;
}

}  // namespace
}  // namespace itest
