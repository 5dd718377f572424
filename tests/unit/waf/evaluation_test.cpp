// The compiler and evaluator on small rule sets: ModSecurity 3's semantics
// one feature at a time.
#include "waf/evaluation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "seclang/parse.h"
#include "test_request.h"
#include "waf/program.h"
#include "waf/scratch.h"

namespace centinela::waf {
namespace {

std::shared_ptr<const Program> compile(std::string_view text, ProgramOptions options = {}) {
  auto set = compile_rules(seclang::parse_text(text, "test.conf"));
  EXPECT_TRUE(set->report.errors.empty()) << set->report.errors.front();
  return make_program(set, options);
}

struct Outcome {
  std::vector<std::uint32_t> ids;
  std::int64_t score = 0;
  std::string tx(std::string_view name) const {
    return values.count(std::string(name)) ? values.at(std::string(name)) : "";
  }
  std::map<std::string, std::string> values;
  bool disrupted = false;
};

Outcome run(const Program& program, std::string_view target,
            test::Headers headers = {{"Host", "example.com"}}, std::string_view body = {}) {
  test::TestRequest request(body.empty() ? "GET" : "POST", target, std::move(headers));
  request.body(body);
  Evaluation ev(program, request.view, thread_scratch(*program.set), EngineMode::detection_only);
  ev.run_phase(1);
  ev.run_phase(2);
  Outcome r;
  for (const Finding& f : ev.findings()) r.ids.push_back(f.rule);
  for (std::uint32_t s = 0; s < program.set->tx.size(); ++s) {
    if (ev.tx().has(s)) r.values[program.set->tx.name(s)] = std::string(ev.tx().get(s));
  }
  r.disrupted = ev.disrupted();
  return r;
}

bool has(const Outcome& r, std::uint32_t id) {
  return std::find(r.ids.begin(), r.ids.end(), id) != r.ids.end();
}

TEST(Evaluation, RxOnArgsWithTransformationAndScore) {
  auto p = compile(R"(
SecAction "id:1,phase:1,nolog,pass,setvar:tx.critical=5"
SecRule ARGS "@rx union select" "id:10,phase:2,pass,t:none,t:urlDecodeUni,t:lowercase,setvar:tx.score=+%{tx.critical}"
)");
  EXPECT_TRUE(has(run(*p, "/?q=1%20UNION%20SELECT%202"), 10));
  EXPECT_EQ(run(*p, "/?q=1%20UNION%20SELECT%202").tx("score"), "5");
  EXPECT_FALSE(has(run(*p, "/?q=hello"), 10));
}

TEST(Evaluation, SetvarRunsForEveryMatchedValue) {
  auto p = compile(R"(SecRule ARGS "@contains x" "id:10,phase:2,pass,setvar:tx.n=+1")");
  EXPECT_EQ(run(*p, "/?a=x&b=x&c=y").tx("n"), "2");
}

TEST(Evaluation, ChainSeesMatchedVar) {
  auto p = compile(R"(
SecRule ARGS "@rx ^a" "id:10,phase:2,pass,chain"
  SecRule MATCHED_VAR "@endsWith z" "setvar:tx.hit=1"
)");
  EXPECT_TRUE(has(run(*p, "/?q=abcz"), 10));
  EXPECT_FALSE(has(run(*p, "/?q=abc"), 10));
}

TEST(Evaluation, CountAndNegation) {
  auto p = compile(R"(
SecRule &ARGS "@gt 2" "id:10,phase:2,pass"
SecRule REQUEST_HEADERS:Host "!@streq example.com" "id:11,phase:1,pass"
)");
  EXPECT_TRUE(has(run(*p, "/?a=1&b=2&c=3"), 10));
  EXPECT_FALSE(has(run(*p, "/?a=1&b=2"), 10));
  EXPECT_FALSE(has(run(*p, "/"), 11));
  EXPECT_TRUE(has(run(*p, "/", {{"Host", "evil"}}), 11));
}

TEST(Evaluation, CaptureSetsTx) {
  auto p = compile(R"(
SecRule REQUEST_FILENAME "@rx \.([a-z]+)$" "id:10,phase:1,pass,capture,setvar:tx.ext=%{tx.1}"
)");
  EXPECT_EQ(run(*p, "/a/b.php").tx("ext"), "php");
}

TEST(Evaluation, ExclusionsByNameAndRegex) {
  auto p = compile(R"(
SecRule ARGS|REQUEST_COOKIES|!ARGS:safe|!REQUEST_COOKIES:/^__utm/ "@contains bad" "id:10,phase:2,pass"
)");
  EXPECT_FALSE(has(run(*p, "/?safe=bad"), 10));
  EXPECT_TRUE(has(run(*p, "/?other=bad"), 10));
  EXPECT_FALSE(has(run(*p, "/", {{"Cookie", "__utmz=bad"}}), 10));
  EXPECT_TRUE(has(run(*p, "/", {{"Cookie", "sid=bad"}}), 10));
}

// A regex exclusion's verdict is kept per (regex, key) for the request:
// rules sharing one regex agree, a rule with another regex on the same key
// decides for itself, and the next request starts afresh.
TEST(Evaluation, RegexExclusionsSharedAcrossRules) {
  auto p = compile(R"(
SecRule ARGS|!ARGS:/^__utm/ "@contains bad" "id:10,phase:2,pass"
SecRule ARGS|!ARGS:/^__utm/ "@contains bad" "id:11,phase:2,pass"
SecRule ARGS|!ARGS:/^sid/ "@contains bad" "id:12,phase:2,pass"
)");
  const Outcome utm = run(*p, "/?__utmz=bad&sid=bad");
  EXPECT_TRUE(has(utm, 10)) << "sid is read";
  EXPECT_TRUE(has(utm, 11));
  EXPECT_TRUE(has(utm, 12)) << "__utmz is read by the rule excluding sid";
  const Outcome only_utm = run(*p, "/?__utmz=bad");
  EXPECT_FALSE(has(only_utm, 10));
  EXPECT_FALSE(has(only_utm, 11));
  EXPECT_TRUE(has(only_utm, 12));
  const Outcome only_sid = run(*p, "/?sid=bad");
  EXPECT_TRUE(has(only_sid, 10));
  EXPECT_FALSE(has(only_sid, 12));
}

TEST(Evaluation, SkipAfterJumpsToMarker) {
  auto p = compile(R"(
SecRule ARGS:skip "@streq 1" "id:1,phase:1,pass,nolog,skipAfter:END"
SecRule ARGS "@rx ." "id:2,phase:1,pass"
SecMarker END
SecRule ARGS "@rx ." "id:3,phase:1,pass"
)");
  const Outcome skipped = run(*p, "/?skip=1");
  EXPECT_FALSE(has(skipped, 2));
  EXPECT_TRUE(has(skipped, 3));
  EXPECT_TRUE(has(run(*p, "/?skip=0"), 2));
}

TEST(Evaluation, ParanoiaSkipsFoldAtLoad) {
  const char* rules = R"(
SecRule &TX:executing_paranoia_level "@eq 0" "id:1,phase:1,pass,nolog,setvar:tx.executing_paranoia_level=%{tx.paranoia_level}"
SecRule TX:EXECUTING_PARANOIA_LEVEL "@lt 2" "id:2,phase:1,pass,nolog,skipAfter:END-PL2"
SecRule ARGS "@rx ." "id:3,phase:1,pass"
SecMarker END-PL2
SecRule ARGS "@rx ." "id:4,phase:1,pass"
)";
  ProgramOptions pl1;
  auto p1 = compile(rules, pl1);
  ASSERT_EQ(p1->rules.size(), 1u);  // 1, 2 decided at load; 3 skipped for good
  EXPECT_EQ(p1->rules[0].id, 4u);
  EXPECT_FALSE(has(run(*p1, "/?a=1"), 3));
  ProgramOptions pl2;
  pl2.paranoia = 2;
  auto p2 = compile(rules, pl2);
  EXPECT_EQ(p2->rules.size(), 2u);
  EXPECT_TRUE(has(run(*p2, "/?a=1"), 3));
}

TEST(Evaluation, RuntimeTxIsNotFolded) {
  auto p = compile(R"(
SecRule ARGS:a "@streq 1" "id:1,phase:1,pass,nolog,setvar:tx.flag=1"
SecRule TX:flag "@eq 1" "id:2,phase:1,pass"
)");
  EXPECT_TRUE(has(run(*p, "/?a=1"), 2));
  EXPECT_FALSE(has(run(*p, "/?a=2"), 2));
}

TEST(Evaluation, CtlRemovesRulesAndTargets) {
  auto p = compile(R"(
SecRule REQUEST_FILENAME "@streq /admin" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=3,ctl:ruleRemoveTargetById=4;ARGS:body"
SecRule ARGS "@contains x" "id:3,phase:2,pass"
SecRule ARGS "@contains x" "id:4,phase:2,pass"
)");
  const Outcome admin = run(*p, "/admin?body=x");
  EXPECT_FALSE(has(admin, 3));
  EXPECT_FALSE(has(admin, 4));
  EXPECT_TRUE(has(run(*p, "/admin?other=x"), 4));
  EXPECT_TRUE(has(run(*p, "/?body=x"), 3));
}

TEST(Evaluation, RouteExclusions) {
  const char* rules = R"(
SecRule ARGS "@contains x" "id:10,phase:2,pass,tag:'attack-sqli'"
SecRule ARGS "@contains x" "id:11,phase:2,pass"
)";
  ProgramOptions options;
  options.exclusions.push_back(RouteExclusion{{11}, {}, {}, {}, {}});
  options.exclusions.push_back(RouteExclusion{{}, {"attack-sqli"}, {"q"}, {}, {}});
  auto p = compile(rules, options);
  EXPECT_EQ(p->rules.size(), 1u);
  EXPECT_FALSE(has(run(*p, "/?q=x"), 10));
  EXPECT_TRUE(has(run(*p, "/?other=x"), 10));
}

TEST(Evaluation, MultiMatchSeesEveryStage) {
  auto p = compile(R"(
SecRule ARGS "@streq %41" "id:10,phase:2,pass,t:none,t:urlDecode,multiMatch"
SecRule ARGS "@streq %41" "id:11,phase:2,pass,t:none,t:urlDecode"
)");
  const Outcome r = run(*p, "/?q=%2541");
  EXPECT_TRUE(has(r, 10));
  EXPECT_FALSE(has(r, 11));
}

// A tokeniser or validateByteRange link judges a value by its own bytes only
// where its pipeline leaves it as it is: here the values hold no markup
// byte and no byte outside the range, their decodings do.
TEST(Evaluation, ByteGatesJudgeTheValueThroughItsPipeline) {
  auto p = compile(R"(
SecRule ARGS "@rx qzqzqz" "id:1,phase:2,pass"
SecRule ARGS "@detectXSS" "id:10,phase:2,pass,t:none,t:urlDecodeUni"
SecRule ARGS "@detectXSS" "id:11,phase:2,pass,t:none,t:urlDecodeUni,multiMatch"
SecRule ARGS "@validateByteRange 32-126" "id:12,phase:2,pass,t:none,t:urlDecodeUni"
)");
  struct Case {
    const char* target;
    bool markup;        // 10 and 11: the decoded value is a script
    bool out_of_range;  // 12: the decoded value holds byte 1
  };
  for (const Case& c :
       {Case{"/?q=%253Cscript%253Ealert%25281%2529%253C%252Fscript%253E", true, false},
        Case{"/?r=a%2501b", false, true}, Case{"/?q=script%20alert&r=ab", false, false}}) {
    const Outcome r = run(*p, c.target);
    EXPECT_EQ(has(r, 10), c.markup) << c.target;
    EXPECT_EQ(has(r, 11), c.markup) << c.target;
    EXPECT_EQ(has(r, 12), c.out_of_range) << c.target;
  }
}

TEST(Evaluation, DenyDisruptsInBlockMode) {
  auto p = compile(R"(
SecRule ARGS "@contains attack" "id:10,phase:1,deny"
SecRule ARGS "@contains attack" "id:11,phase:2,pass"
)");
  test::TestRequest request("GET", "/?q=attack", {});
  request.body();
  const RequestView& view = request.view;
  Evaluation on(*p, view, thread_scratch(*p->set), EngineMode::on);
  EXPECT_FALSE(on.run_phase(1));
  EXPECT_TRUE(on.disrupted());
  EXPECT_EQ(on.disruptive_rule(), 10u);
  EXPECT_TRUE(on.findings().size() == 1);
  Evaluation detect(*p, view, thread_scratch(*p->set), EngineMode::detection_only);
  EXPECT_TRUE(detect.run_phase(1));
  EXPECT_TRUE(detect.run_phase(2));
  EXPECT_EQ(detect.findings().size(), 2u);
}

TEST(Evaluation, ReportNamesWhatIsNotHonoured) {
  auto set = compile_rules(seclang::parse_text(R"(
SecRule REMOTE_ADDR "@rbl sbl-xbl.spamhaus.org" "id:1,phase:1,pass"
SecAction "id:2,phase:1,pass,nolog,initcol:ip=%{remote_addr}"
SecRule ARGS "@rx a" "id:3,phase:2,pass"
SecRule RESPONSE_BODY "@rx a" "id:4,phase:4,pass"
)",
                                               "test.conf"));
  EXPECT_EQ(set->report.rules, 4u);
  ASSERT_EQ(set->report.not_honoured.size(), 1u);
  EXPECT_EQ(set->report.not_honoured[0].id, 1u);
  ASSERT_EQ(set->report.partial.size(), 1u);
  EXPECT_EQ(set->report.partial[0].id, 2u);
  ASSERT_EQ(set->report.not_run.size(), 1u);
  EXPECT_EQ(set->report.not_run[0].id, 4u);
}

TEST(Evaluation, JsonAndMultipartBodies) {
  auto p = compile(R"(
SecRule ARGS:json.user.name "@streq bob" "id:10,phase:2,pass"
SecRule FILES "@endsWith .php" "id:11,phase:2,pass"
SecRule ARGS:note "@streq hi" "id:12,phase:2,pass"
)");
  EXPECT_TRUE(has(
      run(*p, "/", {{"Content-Type", "application/json"}}, R"({"user":{"name":"bob"},"n":[1,2]})"),
      10));
  const std::string multipart =
      "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
      "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.php\"\r\n"
      "Content-Type: text/plain\r\n\r\n<?php ?>\r\n--XX--\r\n";
  const Outcome r = run(*p, "/", {{"Content-Type", "multipart/form-data; boundary=XX"}}, multipart);
  EXPECT_TRUE(has(r, 11));
  EXPECT_TRUE(has(r, 12));
}

// Links reading a variable some joined text reads take its values from the
// phase's joined copy (Evaluation::eval_target): phase 2 sees the body's
// arguments as well as the query's, selectors and counts still apply, and a
// tokeniser reads each value with its own bytes.
TEST(Evaluation, ViewValuesReadOncePerPhase) {
  auto p = compile(R"(
SecRule ARGS "@rx zzz" "id:1,phase:1,pass"
SecRule ARGS "@streq q1" "id:20,phase:1,pass"
SecRule ARGS "@streq body1" "id:21,phase:1,pass"
SecRule &ARGS "@eq 1" "id:22,phase:1,pass"
SecRule ARGS "@streq body1" "id:23,phase:2,pass"
SecRule ARGS "@streq q1" "id:24,phase:2,pass"
SecRule &ARGS "@eq 3" "id:25,phase:2,pass"
SecRule ARGS:q "@streq q1" "id:26,phase:2,pass"
SecRule ARGS:q "@streq body1" "id:27,phase:2,pass"
SecRule ARGS "@detectSQLi" "id:28,phase:2,pass"
SecRule ARGS "@rx \x27\s*or\b" "id:29,phase:2,pass,t:none,t:lowercase"
)");
  // The head's phase, then the body's, as the WAF stage runs them.
  test::TestRequest request("POST", "/?q=q1",
                            {{"Host", "example.com"}, {"Content-Type", "application/json"}});
  Evaluation ev(*p, request.view, thread_scratch(*p->set), EngineMode::detection_only);
  ev.run_phase(1);
  request.body(R"({"b":"body1","s":"1' OR '1'='1"})");
  ev.run_phase(2);
  Outcome r;
  for (const Finding& f : ev.findings()) r.ids.push_back(f.rule);
  for (const std::uint32_t id : {20u, 22u, 23u, 24u, 25u, 26u, 28u, 29u}) {
    EXPECT_TRUE(has(r, id)) << id;
  }
  for (const std::uint32_t id : {1u, 21u, 27u}) EXPECT_FALSE(has(r, id)) << id;
}

// A request waiting for its body gives its buffers back (Evaluation::suspend)
// and other requests run on the thread meanwhile, taking those very buffers:
// its TX, its findings and its view stay its own, and theirs theirs.
TEST(Evaluation, ARequestWaitingForItsBodyKeepsItsStateWhileOthersRun) {
  auto p = compile(R"(
SecRule REQUEST_HEADERS:X-Tier "@rx ^(\w+)$" "id:1,phase:1,pass,capture,setvar:tx.tier=%{tx.1}"
SecRule TX:tier "@streq gold" "id:2,phase:2,pass,setvar:tx.gold=1"
SecRule ARGS "@contains x" "id:3,phase:2,pass,setvar:tx.n=+1"
)");
  auto tx_of = [&](const Evaluation& ev, std::string_view name) {
    const std::uint32_t slot = p->set->tx.find(name);
    return slot == kNoSlot ? std::string() : std::string(ev.tx().get(slot));
  };
  auto ids_of = [](const Evaluation& ev) {
    std::vector<std::uint32_t> ids;
    for (const Finding& f : ev.findings()) ids.push_back(f.rule);
    return ids;
  };
  test::TestRequest waiting("POST", "/?a=x",
                            {{"Host", "example.com"},
                             {"X-Tier", "gold"},
                             {"Content-Type", "application/x-www-form-urlencoded"}});
  Evaluation ev(*p, waiting.view, thread_scratch(*p->set), EngineMode::detection_only);
  ev.run_phase(1);
  ev.suspend();
  EXPECT_EQ(tx_of(ev, "tier"), "gold");  // read while suspended (the verdict does)

  for (int i = 0; i < 3; ++i) {
    test::TestRequest other("GET", "/?b=x&c=x&d=y", {{"Host", "example.com"}, {"X-Tier", "tin"}});
    Evaluation o(*p, other.view, thread_scratch(*p->set), EngineMode::detection_only);
    o.run_phase(1);
    o.run_phase(2);
    EXPECT_EQ(tx_of(o, "tier"), "tin");
    EXPECT_EQ(tx_of(o, "n"), "2");
    EXPECT_EQ(ids_of(o), (std::vector<std::uint32_t>{1, 3}));
  }

  waiting.body("e=x&f=y");
  ev.run_phase(2);
  EXPECT_EQ(tx_of(ev, "tier"), "gold");
  EXPECT_EQ(tx_of(ev, "gold"), "1");
  EXPECT_EQ(tx_of(ev, "n"), "2");  // a=x from the query, e=x from the body
  EXPECT_EQ(ids_of(ev), (std::vector<std::uint32_t>{1, 2, 3}));
}

// A rule the joined texts rule out is passed over without being read
// (Program::gates): it ends as a rule that did not match, MATCHED_VAR cleared
// for the rules after it; a rule removed by a ctl is skipped and clears nothing.
TEST(Evaluation, RulesTheJoinedTextsRuleOutEndAsRulesThatDidNotMatch) {
  auto p = compile(R"(
SecRule ARGS "@rx ^seen" "id:1,phase:2,pass,t:none"
SecRule ARGS "@rx zzqq" "id:2,phase:2,pass,t:none"
SecRule MATCHED_VAR "@rx ^seen" "id:3,phase:2,pass,t:none"
SecRule ARGS "@rx ^seen" "id:4,phase:2,pass,t:none,ctl:ruleRemoveById=5"
SecRule ARGS "@rx zzqq" "id:5,phase:2,pass,t:none"
SecRule MATCHED_VAR "@rx ^seen" "id:6,phase:2,pass,t:none"
)");
  ASSERT_EQ(p->gates.size(), p->rules.size());
  std::size_t gated = 0;
  for (const JoinGate& g : p->gates) gated += g.joined ? 1 : 0;
  EXPECT_GE(gated, 2u);  // 2 and 5 at least: the case under test
  const Outcome r = run(*p, "/?q=seen%20it");
  EXPECT_TRUE(has(r, 1));
  EXPECT_FALSE(has(r, 2));
  EXPECT_FALSE(has(r, 3)) << "MATCHED_VAR outlived a rule that did not match";
  EXPECT_TRUE(has(r, 4));
  EXPECT_FALSE(has(r, 5));
  EXPECT_TRUE(has(r, 6)) << "a removed rule cleared MATCHED_VAR";
}

// @pm lists read through one pipeline share one database (RuleSet::
// word_groups): a word tells which list it came from, so each rule still
// matches its own words only.
TEST(Evaluation, WordListsOfOnePipelineScannedTogetherKeepTheirOwnWords) {
  auto p = compile(R"(
SecRule ARGS "@pm alpha beta" "id:1,phase:2,pass,t:none,t:lowercase"
SecRule ARGS "@pm gamma delta" "id:2,phase:2,pass,t:none,t:lowercase"
SecRule ARGS "@pm zeta" "id:3,phase:2,pass,t:none,t:lowercase"
SecRule ARGS "@pm epsilon" "id:4,phase:2,pass,t:none"
)");
  ASSERT_EQ(p->set->word_groups.size(), 1u);
  EXPECT_EQ(p->set->word_groups[0].members, 3u);
  auto ids = [&](std::string_view target) {
    std::vector<std::uint32_t> out = run(*p, target).ids;
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids("/?q=xxGAMMAyy"), (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(ids("/?q=Alpha"), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(ids("/?q=zeta&r=delta"), (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(ids("/?q=epsilon"), (std::vector<std::uint32_t>{4}));
  EXPECT_EQ(ids("/?q=EPSILON"), (std::vector<std::uint32_t>{4}));  // @pm ignores case
  EXPECT_TRUE(ids("/?q=nothing").empty());
}

}  // namespace
}  // namespace centinela::waf
