// `waf.engine: modsecurity` end to end: libmodsecurity3 runs Debian's CRS
// behind the same routes, answers, records and threat hook as centinela's
// own engine — a blocked injection gets the contract's 403 with an incident
// id and an incident line naming CRS's rule ids, detect mode records and
// lets through, JSON bodies are inspected, exclusions and the paranoia level
// reach libmodsecurity, a reload swaps the rules (a bad rule file keeps the
// running ones), and `check` loads the rules with this engine.
#include <csignal>

#include "child_process.h"
#include "eventually.h"
#include "temp_dir.h"
#include "waf_fixture.h"

namespace itest {
namespace {

constexpr const char* kModsecurity = "waf: {engine: modsecurity}\n";
constexpr const char* kInjection = "/api/users?id=1%27%20OR%20%271%27%3D%271";

class WafModsecTest : public WafTest {
 protected:
  void SetUp() override {
    if (!CENTINELA_HAVE_MODSECURITY) {
      GTEST_SKIP() << "this build has no libmodsecurity (libmodsecurity-dev): "
                      "waf.engine: modsecurity is refused";
    }
  }

  ::testing::AssertionResult start_modsec(const std::string& route_waf,
                                          const std::string& waf_yaml = kModsecurity) {
    return start_with(route_waf, waf_yaml);
  }

  double reloads(const std::string& result) {
    return metric("centinela_config_reloads_total", {{"result", result}}).value_or(0);
  }

  // Sends SIGHUP and waits until a reload with `result` is counted.
  ::testing::AssertionResult reload_counted(const std::string& result) {
    const double before = reloads(result);
    if (!gateway_->send_signal(SIGHUP)) return ::testing::AssertionFailure() << "no SIGHUP";
    if (!eventually([&] { return reloads(result) >= before + 1; }, std::chrono::seconds(30))) {
      return ::testing::AssertionFailure()
             << "no " << result << " reload: " << gateway_->stderr_text();
    }
    return ::testing::AssertionSuccess();
  }
};

// A rule file of its own: anomaly scoring as CRS does it, with one probe
// value that scores critical.
std::string probe_rules(const std::string& value) {
  return "SecAction \"id:1000000,phase:1,pass,nolog,setvar:tx.anomaly_score=0\"\n"
         "SecRule ARGS:probe \"@streq " +
         value +
         "\" \"id:1000001,phase:2,pass,log,msg:'probe matched',severity:'CRITICAL',"
         "tag:'test/probe',setvar:tx.anomaly_score=+5\"\n";
}

TEST_F(WafModsecTest, BlocksSqlInjectionWithCrsRuleIdsInTheIncident) {
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1}"));
  const std::size_t before = origin_.request_count();
  HttpResponse blocked = get(kInjection, from(kAttacker));
  ASSERT_TRUE(is_waf_block(blocked)) << blocked.status << " " << blocked.body;
  EXPECT_EQ(origin_.request_count(), before) << "the origin saw the attack";
  const std::string id = incident_id_of(blocked);

  auto incident = wait_for_incident(id);
  ASSERT_TRUE(incident) << incident_log_text();
  EXPECT_EQ(incident->string_at("action"), "blocked");
  EXPECT_EQ(incident->string_at("mode"), "block");
  EXPECT_EQ(incident->string_at("client_ip"), kAttacker);
  EXPECT_EQ(incident->string_at("path"), "/api/users");
  EXPECT_EQ(incident->string_at("request_id"), blocked.header("x-request-id").value_or("?"));
  const std::string text = incident_log_text();
  EXPECT_NE(text.find("\"rule\":942100"), std::string::npos) << text;
  EXPECT_NE(text.find("\"rule\":949110"), std::string::npos) << text;
  EXPECT_NE(text.find("\"target\":\"ARGS:id\""), std::string::npos) << text;
  EXPECT_NE(text.find("attack-sqli"), std::string::npos) << "tags of CRS's block rules: " << text;

  auto logged = wait_for_access_log(
      [&](const JsonValue& line) { return line.string_at("incident_id") == id; });
  ASSERT_TRUE(logged) << access_log_text();
  EXPECT_EQ(logged->string_at("waf_action"), "blocked");
  EXPECT_GE(logged->number_at("waf_score").value_or(0), 5);
  EXPECT_GE(metric("centinela_waf_actions_total", {{"route", "/api/"}, {"action", "blocked"}})
                .value_or(0),
            1)
      << metrics_text();
  EXPECT_GE(
      metric("centinela_waf_findings_total", {{"route", "/api/"}, {"group", "sqli"}}).value_or(0),
      1)
      << metrics_text();
}

TEST_F(WafModsecTest, DetectModeRecordsButLetsThrough) {
  ASSERT_TRUE(start_modsec("{mode: detect, paranoia: 1}"));
  HttpResponse response = get(kInjection);
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
  EXPECT_EQ(origin_.request_count("/api/users"), 1u);
}

TEST_F(WafModsecTest, BenignJsonPassesWhole) {
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1}"));
  HttpResponse note = post_json(
      "/api/orders", R"({"customer":"Siobhán O'Brien","note":"Please select the blue one; )"
                     R"(drop it at the back door if I'm out.","items":[{"sku":"A-1","qty":2}]})");
  EXPECT_EQ(note.status, 200) << note.body;
  auto received = origin_.last_request("/api/orders");
  ASSERT_TRUE(received);
  EXPECT_NE(received->body.find("O'Brien"), std::string::npos)
      << "the body reached the origin whole";
  for (const char* target : {"/api/users?name=O%27Brien", "/api/orders?status=shipped&page=2"}) {
    HttpResponse response = get(target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
  }
}

TEST_F(WafModsecTest, BlocksAnInjectionInAJsonBody) {
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1}"));
  HttpResponse sqli = post_json("/api/login", R"({"user":"admin' OR 1=1-- ","password":"x"})");
  EXPECT_TRUE(is_waf_block(sqli)) << sqli.status << " " << sqli.body;
  HttpResponse xss =
      http_request(port(), "POST", "/api/comments", {{"Content-Type", "application/vnd.api+json"}},
                   R"({"text":"<script>alert(document.cookie)</script>"})");
  EXPECT_TRUE(is_waf_block(xss)) << xss.status << " " << xss.body;
  EXPECT_EQ(origin_.request_count("/api/comments") + origin_.request_count("/api/login"), 0u);
  auto incident = wait_for_incident(incident_id_of(sqli));
  ASSERT_TRUE(incident) << incident_log_text();
  EXPECT_NE(incident_log_text().find("ARGS:json.user"), std::string::npos) << incident_log_text();
}

TEST_F(WafModsecTest, ABodyLongerThanTheBoundIsInspectedInItsFirstBytes) {
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1, inspect_body_bytes: 64}"));
  // Cut inside a string at 64 bytes: an unfinished JSON text, not a malformed body.
  const std::string long_note =
      R"({"note":")" + std::string(200, 'a') + R"(","user":"admin' OR 1=1-- "})";
  HttpResponse cut = post_json("/api/notes", long_note);
  EXPECT_EQ(cut.status, 200) << cut.body;
  auto received = origin_.last_request("/api/notes");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body, long_note) << "the rest streamed through unchanged";
  // A malformed body within the bound is a finding that blocks (rule 200002).
  EXPECT_TRUE(is_waf_block(post_json("/api/notes", R"({"note": )")));
  // An injection within the first bytes is still seen.
  EXPECT_TRUE(is_waf_block(post_json(
      "/api/notes", R"({"user":"admin' OR 1=1-- ","note":")" + std::string(200, 'a') + R"("})")));
}

TEST_F(WafModsecTest, RepeatedAttacksBanTheClient) {
  ASSERT_TRUE(
      start_modsec("{mode: block, paranoia: 1}",
                   std::string(kModsecurity) + "threat: {ban: {score: 20, durations: [1m]}}\n"));
  for (int i = 0; i < 10; ++i) {
    HttpResponse r =
        get(fmt::format("/api/users?id={}%27%20OR%20%271%27%3D%271", i), from(kAttacker));
    if (r.status == 403 && incident_id_of(r).empty()) break;  // the ban answered
  }
  HttpResponse after = get("/public/index.html", from(kAttacker));
  EXPECT_EQ(after.status, 403) << after.body;
  EXPECT_NE(after.body.find("client temporarily banned"), std::string::npos) << after.body;
  EXPECT_EQ(get("/public/index.html", from("203.0.113.7")).status, 200);
}

TEST_F(WafModsecTest, InspectsBodiesOfEveryContentTypeAsModSecurityDoes) {
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1}"));
  // Debian's CRS does not allow text/plain (920420 blocks it anyway); what
  // shows that the body was read is the Java rule that matched in it.
  HttpResponse plain = http_request(port(), "POST", "/api/notes", {{"Content-Type", "text/plain"}},
                                    "java.lang.Runtime.getRuntime().exec(\"id\")");
  ASSERT_TRUE(is_waf_block(plain)) << plain.status << " " << plain.body;
  auto incident = wait_for_incident(incident_id_of(plain));
  ASSERT_TRUE(incident) << incident_log_text();
  EXPECT_NE(incident_log_text().find("\"rule\":944"), std::string::npos) << incident_log_text();
}

TEST_F(WafModsecTest, ExclusionByIdLetsTheRequestThrough) {
  // 942100 (libinjection) is the only PL1 rule this request trips.
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1, exclusions: [{rule: 942100}]}"));
  HttpResponse response = get(kInjection);
  EXPECT_EQ(response.status, 200) << response.body;
  // Other attacks are still blocked.
  EXPECT_TRUE(is_waf_block(get("/api/x?q=%3Cscript%3Ealert(1)%3C/script%3E")));
}

TEST_F(WafModsecTest, ExclusionOfAnArgumentLetsItThrough) {
  ASSERT_TRUE(
      start_modsec(R"({mode: block, paranoia: 1, exclusions: [{tag: attack-sqli, args: [id]}]})"));
  EXPECT_EQ(get(kInjection).status, 200);
  EXPECT_TRUE(is_waf_block(get("/api/users?other=1%27%20OR%20%271%27%3D%271")));
}

TEST_F(WafModsecTest, ParanoiaTwoCatchesWhatOneDoesNot) {
  // Backticks around a word: SQL identifiers / shell substitution, PL2 rules only.
  const std::string probe = "/api/x?a=%60id%60";
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1}"));
  EXPECT_EQ(get(probe).status, 200);
  gateway_.reset();
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 2}"));
  EXPECT_TRUE(is_waf_block(get(probe)));
}

TEST_F(WafModsecTest, TheRouteThresholdDecidesNotLibmodsecurity) {
  // A threshold of 1000: CRS's own blocking rule never fires and the route's
  // outcome lets the injection through (its score is still logged).
  ASSERT_TRUE(start_modsec("{mode: block, paranoia: 1, anomaly_threshold: 1000}"));
  HttpResponse response = get(kInjection);
  EXPECT_EQ(response.status, 200) << response.body;
  const std::string request_id = response.header("x-request-id").value_or("?");
  auto logged = wait_for_access_log(
      [&](const JsonValue& line) { return line.string_at("request_id") == request_id; });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("waf_action"), "pass");
}

TEST_F(WafModsecTest, ReloadSwapsTheRulesAndABadFileKeepsThem) {
  const std::string rules = dir_.write("probe.conf", probe_rules("alpha"));
  ASSERT_TRUE(
      start_modsec("{mode: block}", "waf: {engine: modsecurity, rules: [\"" + rules + "\"]}\n"));
  EXPECT_TRUE(is_waf_block(get("/api/x?probe=alpha")));
  EXPECT_EQ(get("/api/x?probe=beta").status, 200);

  dir_.write("probe.conf", probe_rules("beta"));
  ASSERT_TRUE(reload_counted("success"));
  EXPECT_EQ(get("/api/x?probe=alpha").status, 200);
  HttpResponse beta = get("/api/x?probe=beta");
  ASSERT_TRUE(is_waf_block(beta));
  auto incident = wait_for_incident(incident_id_of(beta));
  ASSERT_TRUE(incident) << incident_log_text();
  EXPECT_NE(incident_log_text().find("\"rule\":1000001"), std::string::npos);
  EXPECT_NE(incident_log_text().find("test/probe"), std::string::npos);

  // An action libmodsecurity does not know: the file does not load.
  dir_.write("probe.conf", "SecRule ARGS \"@rx x\" \"id:1000002,phase:2,pass,nosuchaction\"\n");
  ASSERT_TRUE(reload_counted("failure"));
  EXPECT_TRUE(is_waf_block(get("/api/x?probe=beta"))) << "the running rules were kept";
}

TEST_F(WafModsecTest, CheckLoadsTheRulesWithLibmodsecurity) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, waf: {mode: block}})"};
  write_config_file(config_.render() + kModsecurity);
  const CommandResult ok =
      run_command({centinela_binary(), "check", "-c", config_path_}, std::chrono::seconds(120));
  EXPECT_EQ(ok.exit_code, 0) << ok.output();
  EXPECT_NE(ok.out.find("libmodsecurity"), std::string::npos) << ok.output();
  EXPECT_NE(ok.out.find("configuration OK"), std::string::npos) << ok.output();

  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, waf: {mode: block, exclusions: [{rule: 999999}]}})"};
  write_config_file(config_.render() + kModsecurity);
  const CommandResult unknown =
      run_command({centinela_binary(), "check", "-c", config_path_}, std::chrono::seconds(120));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output();
  EXPECT_NE(unknown.err.find(config_path_ + ":"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("999999"), std::string::npos) << unknown.err;

  const std::string broken =
      dir_.write("broken.conf", "SecRule NOSUCHVAR \"@rx x\" \"id:5,phase:2,pass\"\n");
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, waf: {mode: block}})"};
  write_config_file(config_.render() + "waf: {engine: modsecurity, rules: [\"" + broken + "\"]}\n");
  const CommandResult bad =
      run_command({centinela_binary(), "check", "-c", config_path_}, std::chrono::seconds(120));
  EXPECT_EQ(bad.exit_code, 1) << bad.output();
  EXPECT_NE(bad.err.find("broken.conf"), std::string::npos) << bad.err;
}

// libmodsecurity 3 loads an operator it does not know as a regex of its text
// (the rule never matches what it says): `check` and the load report it,
// with the rule's id and place, instead of skipping it in silence.
TEST_F(WafModsecTest, AnUnknownOperatorIsReportedByCheckAndAtLoad) {
  const std::string rules =
      dir_.write("unknown.conf", probe_rules("alpha") +
                                     "SecRule ARGS:probe \"@containz beta\" "
                                     "\"id:1000002,phase:2,deny,status:403\"\n");
  const std::string waf_yaml = "waf: {engine: modsecurity, rules: [\"" + rules + "\"]}\n";
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, waf: {mode: block}})"};
  write_config_file(config_.render() + waf_yaml);
  const CommandResult checked =
      run_command({centinela_binary(), "check", "-c", config_path_}, std::chrono::seconds(120));
  EXPECT_EQ(checked.exit_code, 0) << checked.output();
  EXPECT_NE(checked.err.find("warning: " + rules + ":3:"), std::string::npos) << checked.err;
  EXPECT_NE(checked.err.find("rule 1000002 is not honoured: unknown operator 'containz'"),
            std::string::npos)
      << checked.err;
  EXPECT_NE(checked.out.find("1 not honoured"), std::string::npos) << checked.out;

  ASSERT_TRUE(start_modsec("{mode: block}", waf_yaml));
  EXPECT_TRUE(is_waf_block(get("/api/x?probe=alpha"))) << "the other rules run";
  EXPECT_TRUE(eventually(
      [&] {
        const std::string log = gateway_->stderr_text() + gateway_->stdout_text();
        return log.find("waf rule not honoured") != std::string::npos &&
               log.find("1000002") != std::string::npos;
      },
      std::chrono::seconds(5)))
      << gateway_->stderr_text();
  EXPECT_EQ(metric("centinela_waf_rules", {{"status", "not_honoured"}}), 1);
}

}  // namespace
}  // namespace itest
