// TX:/regex/ targets (Target::tx_selected): the TX names of the rule set a
// regex selects are decided when the program is made; names made at run time
// (setvar with a macro) are still matched per request.
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

constexpr const char* kRules = R"(
SecAction "id:1001,phase:1,pass,nolog,setvar:tx.score_sql=0,setvar:tx.score_xss=0,setvar:tx.other=5"
SecRule ARGS:a "@rx x" "id:1002,phase:1,pass,nolog,setvar:tx.score_xss=+3"
SecRule ARGS:b "@rx ^\w+$" "id:1003,phase:1,pass,nolog,setvar:'tx.score_%{matched_var}=7'"
SecRule ARGS:c "@rx ^\w+$" "id:1004,phase:1,pass,nolog,setvar:'tx.x%{matched_var}=7'"
SecRule TX:/^Score_/ "@gt 0" "id:1010,phase:2,pass,log,t:none"
SecRule TX:/ORE_P.*/ "@gt 0" "id:1011,phase:2,pass,log,t:none"
)";

std::shared_ptr<const RuleSet> rule_set() {
  static const std::shared_ptr<const RuleSet> set =
      test::compile_with_builtin(kRules, "tx_selector_test.conf");
  return set;
}

// The targets rule `rule` matched, as its findings name them.
std::vector<std::string> matched(std::string_view target, std::uint32_t rule = 1010) {
  testing::FakeRequest request("GET", target, {{"Host", "api.example.com"}});
  request.ctx.client_ip = "192.0.2.1";
  Inspection inspection(make_program(rule_set(), {}), WafMode::detect, request.arena);
  inspection.head(request.ctx);
  inspection.no_body();
  const Verdict verdict = inspection.verdict();
  std::vector<std::string> targets;
  for (const Finding& f : *verdict.findings) {
    if (f.rule == rule) targets.push_back(f.target);
  }
  return targets;
}

TEST(TxSelector, RegexSelectsTheRuleSetsNamesAndRunTimeOnes) {
  EXPECT_EQ(matched("/orders"), std::vector<std::string>{}) << "tx.other is not selected";
  EXPECT_EQ(matched("/orders?a=x"), std::vector<std::string>{"TX:score_xss"});
  EXPECT_EQ(matched("/orders?b=pm"), std::vector<std::string>{"TX:score_pm"});
  // Run-time names: caseless, anchored (Target::selector_prefix).
  EXPECT_EQ(matched("/orders?b=PM"), std::vector<std::string>{"TX:score_pm"});
  EXPECT_EQ(matched("/orders?c=score_1"), std::vector<std::string>{}) << "xscore_1";
  // An unanchored word: anywhere in the name.
  EXPECT_EQ(matched("/orders?c=score_p1", 1011), std::vector<std::string>{"TX:xscore_p1"});
  EXPECT_EQ(matched("/orders?b=pm", 1011), std::vector<std::string>{"TX:score_pm"});
  EXPECT_EQ(matched("/orders?c=score_1", 1011), std::vector<std::string>{});
}

}  // namespace
}  // namespace centinela::waf
