// The rule set a WAF unit test runs: centinela's native rules followed by
// the test's own SecRules, compiled once per test file; a parse or compile
// error fails the test that asked for it.
#pragma once

#include <gtest/gtest.h>

#include <iterator>
#include <memory>

#include "seclang/parse.h"
#include "waf/builtin_rules.h"
#include "waf/ruleset.h"

namespace centinela::waf::test {

inline std::shared_ptr<const RuleSet> compile_with_builtin(const char* rules,
                                                           const char* file_name) {
  seclang::ParseResult all = builtin_rules();
  seclang::ParseResult mine = seclang::parse_text(rules, file_name);
  EXPECT_TRUE(mine.errors.empty());
  all.items.insert(all.items.end(), std::make_move_iterator(mine.items.begin()),
                   std::make_move_iterator(mine.items.end()));
  std::shared_ptr<RuleSet> compiled = compile_rules(all);
  EXPECT_TRUE(compiled->report.errors.empty()) << compiled->report.errors.front();
  return compiled;
}

}  // namespace centinela::waf::test
