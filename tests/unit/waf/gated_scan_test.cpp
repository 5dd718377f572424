// Gated databases (RxMatcher::gated, Program::gated): the patterns of the
// api profile's gated rules and those every match of which holds a byte no
// letter or digit is are scanned only over the joined values that can match
// and count. A value one required byte or one gate inside, among plain
// values, must still fire its rule — also when the byte or the code appears
// only once the rule's pipeline has decoded the value.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "fake_exchange.h"
#include "rules_with_builtin.h"
#include "seclang/parse.h"
#include "waf/builtin_rules.h"
#include "waf/inspection.h"
#include "waf/program.h"

namespace centinela::waf {
namespace {

// 1001: ';' in every match (gated by its bytes); 1002: letters only (open);
// 1003: as 1001 at paranoia level 2; 932150 and 942190: gated in the api
// profile (their tokenisers confirm); 1004: '<' in every match, on cookies.
constexpr const char* kRules = R"(
SecRule ARGS|ARGS_NAMES "@rx ;\s*id\b" "id:1001,phase:2,pass,log,t:none,t:urlDecodeUni,tag:'paranoia-level/1'"
SecRule ARGS "@rx \bunion\b" "id:1002,phase:2,pass,log,t:none,tag:'paranoia-level/1'"
SecRule ARGS "@rx ;\s*ls\b" "id:1003,phase:2,pass,log,t:none,t:urlDecodeUni,tag:'paranoia-level/2'"
SecRule ARGS "@rx (?:^|=)\s*whoami\b" "id:932150,phase:2,pass,log,t:none,tag:'paranoia-level/1'"
SecRule ARGS "@rx (?i)union\s+select" "id:942190,phase:2,pass,log,t:none,t:urlDecodeUni,tag:'paranoia-level/1'"
SecRule REQUEST_COOKIES "@rx <\s*script" "id:1004,phase:1,pass,log,t:none,t:lowercase,tag:'paranoia-level/1'"
SecRule REQUEST_HEADERS:User-Agent "@rx \bcurl\b" "id:1005,phase:1,pass,log,t:none,t:lowercase,tag:'paranoia-level/1'"
SecRule REQUEST_HEADERS|REQUEST_COOKIES "@rx \bsleep\b" "id:1006,phase:1,pass,log,t:none,t:lowercase,tag:'paranoia-level/1'"
SecRule REQUEST_HEADERS:X-Flag "@rx ^$" "id:1008,phase:1,pass,log,t:none,t:lowercase,tag:'paranoia-level/1'"
SecRule ARGS|REQUEST_HEADERS:User-Agent "@rx \bwget\b" "id:1007,phase:2,pass,log,t:none,t:lowercase,tag:'paranoia-level/1'"
)";

std::shared_ptr<const RuleSet> rule_set() {
  static const std::shared_ptr<const RuleSet> set =
      test::compile_with_builtin(kRules, "gated_scan_test.conf");
  return set;
}

ProgramOptions crs(int paranoia = 1) {
  ProgramOptions o;
  o.paranoia = paranoia;
  return o;
}
ProgramOptions api() {
  ProgramOptions o;
  o.profile = Profile::api;
  return o;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

std::vector<std::uint32_t> fired(const ProgramOptions& options, std::string_view target,
                                 std::string_view cookie = {}, const Fields& headers = {}) {
  Fields fields{{"Host", "api.example.com"}};
  if (!cookie.empty()) fields.emplace_back("Cookie", std::string(cookie));
  fields.insert(fields.end(), headers.begin(), headers.end());
  testing::FakeRequest request("GET", target, fields);
  request.ctx.client_ip = "192.0.2.1";
  Inspection inspection(make_program(rule_set(), options), WafMode::detect, request.arena);
  inspection.head(request.ctx);
  inspection.no_body();
  const Verdict verdict = inspection.verdict();
  std::vector<std::uint32_t> rules;
  for (const Finding& f : *verdict.findings) rules.push_back(f.rule);
  std::sort(rules.begin(), rules.end());
  return rules;
}

using Ids = std::vector<std::uint32_t>;

const Link& link_of(const RuleSet& set, std::uint32_t id) {
  const auto rule =
      std::find_if(set.rules.begin(), set.rules.end(), [&](const Rule& r) { return r.id == id; });
  EXPECT_NE(rule, set.rules.end());
  return rule->links.front();
}

TEST(GatedScan, DatabasesBySelectiveBytesApiGateAndLevel) {
  const RuleSet& set = *rule_set();
  ASSERT_NE(set.rx, nullptr);
  const auto db = [&](std::uint32_t id) { return link_of(set, id).op.rx_plan.db; };
  EXPECT_TRUE(set.rx->gated(db(1001)));
  EXPECT_FALSE(set.rx->gated(db(1002)));
  EXPECT_TRUE(set.rx->gated(db(1003)));
  EXPECT_NE(db(1001), db(1003)) << "paranoia level 2's patterns are not in level 1's database";
  EXPECT_TRUE(set.rx->gated(db(932150))) << "an api-gated rule's pattern";
  EXPECT_TRUE(set.rx->gated(db(1004)));
}

TEST(GatedScan, AValueOneRequiredByteInsideStillFires) {
  const std::string plain = "/orders?status=shipped&page=2&city=Dublin";
  for (const ProgramOptions& options : {crs(), api()}) {
    EXPECT_EQ(fired(options, plain), Ids{});
    EXPECT_EQ(fired(options, plain + "&c=x;id"), Ids{1001});
    // ';' only after t:urlDecodeUni: the value's own bytes lack it.
    EXPECT_EQ(fired(options, plain + "&c=x%253Bid"), Ids{1001});
    EXPECT_EQ(fired(options, plain + "&x%253Bid=1"), Ids{1001}) << "a name";
    EXPECT_EQ(fired(options, plain, "a=1; b=x<script"), Ids{1004});
    EXPECT_EQ(fired(options, plain, "a=1; b=x<SCRIPT"), Ids{1004}) << "after t:lowercase";
  }
  // The tag only places the pattern; CRS's skip rules decide what runs, so
  // a level-1 program scans level 2's database for a rule it keeps.
  EXPECT_EQ(fired(crs(2), "/orders?status=shipped&c=x;ls"), Ids{1003});
  EXPECT_EQ(fired(crs(1), "/orders?status=shipped&c=x;ls"), Ids{1003});
}

// The api profile's gate, as eval_value applies it after a match: the
// tokeniser reads the value or its output; a value neither confirms stays
// out, and in the crs profile nothing is gated.
TEST(GatedScan, ApiGatedRulesReadTheValueAndItsOutput) {
  const std::string plain = "/orders?status=shipped&page=2";
  EXPECT_EQ(fired(api(), plain + "&c=whoami"), Ids{932150});
  EXPECT_EQ(fired(crs(), plain + "&c=whoami"), Ids{932150});
  EXPECT_EQ(fired(api(), plain + "&c=whoami%20is%20a%20command"), Ids{});
  EXPECT_EQ(fired(crs(), plain + "&c=whoami%20is%20a%20command"), Ids{932150});
  // The SQL is read only once decoded (the value itself is "1%20union…").
  EXPECT_EQ(fired(api(), plain + "&q=1%2520union%2520select%2520password%2520from%2520users"),
            Ids{942190});
  EXPECT_EQ(fired(api(), plain + "&q=union%20select%20your%20size"), Ids{1002});
  EXPECT_EQ(fired(crs(), plain + "&q=union%20select%20your%20size"), (Ids{1002, 942190}));
}

// An open pattern of the head (headers, cookies) has a database per target
// list, scanned over those values only; one read with the body's values
// stays in its pipeline's database, over the pipeline's whole text.
TEST(GatedScan, HeadPatternsScanTheirOwnTargets) {
  const RuleSet& set = *rule_set();
  ASSERT_NE(set.rx, nullptr);
  const auto db = [&](std::uint32_t id) { return link_of(set, id).op.rx_plan.db; };
  EXPECT_TRUE(set.rx->own_text(db(1005)));
  EXPECT_TRUE(set.rx->own_text(db(1006)));
  EXPECT_NE(db(1005), db(1006)) << "same pipeline, other targets";
  EXPECT_TRUE(set.rx->own_text(db(1008)));
  EXPECT_FALSE(set.rx->own_text(db(1007))) << "reads ARGS";
  const std::string plain = "/orders?status=shipped&page=2";
  for (const ProgramOptions& options : {crs(), api()}) {
    const Fields browser{{"User-Agent", "Mozilla/5.0"}, {"Accept", "*/*"}};
    EXPECT_EQ(fired(options, plain, "a=1", browser), Ids{});
    EXPECT_EQ(fired(options, plain, "a=1", {{"Accept", "*/*"}, {"User-Agent", "CURL/8.1"}}),
              Ids{1005})
        << "after t:lowercase, among other headers";
    EXPECT_EQ(fired(options, plain + "&q=curl", "a=1", {{"X-Tool", "curl"}}), Ids{})
        << "curl in an argument and another header: not the User-Agent";
    EXPECT_EQ(fired(options, plain, "a=1; b=Sleep", browser), Ids{1006});
    EXPECT_EQ(fired(options, plain, "a=1", {{"X-Delay", "sleep"}}), Ids{1006});
    EXPECT_EQ(fired(options, plain + "&q=wget", "a=1", browser), Ids{1007});
    EXPECT_EQ(fired(options, plain, "a=1", {{"User-Agent", "Wget/1.21"}}), Ids{1007});
    // No byte every match holds: every value of the list is joined.
    EXPECT_EQ(fired(options, plain, "a=1", {{"X-Flag", "on"}, {"Accept", ""}}), Ids{});
    EXPECT_EQ(fired(options, plain, "a=1", {{"Accept", "*/*"}, {"X-Flag", ""}}), Ids{1008});
  }
}

}  // namespace
}  // namespace centinela::waf
