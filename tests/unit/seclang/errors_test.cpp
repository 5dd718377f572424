// Every class of error, each with its file:line:col, and the reading going
// on after it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "seclang/parse.h"

namespace centinela::seclang {
namespace {

std::vector<std::string> errors(std::string_view text) {
  std::vector<std::string> out;
  for (const ParseError& e : parse_text(text, "r.conf").errors) out.push_back(e.to_string());
  return out;
}

using Lines = std::vector<std::string>;

TEST(ErrorsTest, UnterminatedQuote) {
  EXPECT_EQ(errors("SecRule ARGS \"@rx abc id:1\n"),
            Lines{"r.conf:1:14: unterminated quote: no closing \" before the end of the line"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,msg:'oops\"\n"),
            Lines{"r.conf:1:26: unterminated quote in the value of action 'msg'"});
}

TEST(ErrorsTest, UnknownDirectiveIsReportedAndReadingGoesOn) {
  const ParseResult result = parse_text(
      "SecRul ARGS \"@rx a\" \"id:1\"\n"
      "  SecFrobnicate On\n"
      "SecRule ARGS \"@rx b\" \"id:2\"\n",
      "r.conf");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].to_string(),
            "r.conf:1:1: unknown directive 'SecRul' (did you mean SecRule?)");
  EXPECT_EQ(result.errors[1].to_string(), "r.conf:2:3: unknown directive 'SecFrobnicate'");
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).id(), 2u);
}

TEST(ErrorsTest, MissingOperatorAndVariables) {
  EXPECT_EQ(errors("SecRule ARGS\n"),
            Lines{"r.conf:1:13: missing operator: SecRule VARIABLES \"OPERATOR\" \"ACTIONS\""});
  EXPECT_EQ(errors("SecRule\n"),
            Lines{"r.conf:1:8: missing variables: SecRule VARIABLES \"OPERATOR\" \"ACTIONS\""});
  EXPECT_EQ(errors("SecRule ARGS \"@\" id:1\n"),
            Lines{"r.conf:1:15: missing operator name after '@'"});
  EXPECT_EQ(errors("SecRule ARGS \"@rx\" id:1\n"), Lines{"r.conf:1:15: @rx needs an argument"});
  EXPECT_EQ(errors("SecRule ARGS \"@detectSQLi x\" id:1\n"),
            Lines{"r.conf:1:27: @detectSQLi takes no argument"});
}

TEST(ErrorsTest, RuleWithoutId) {
  EXPECT_EQ(errors("SecRule ARGS \"@rx x\" \"phase:2,pass\"\n"),
            Lines{"r.conf:1:1: SecRule has no id: every rule needs id:N, except the later "
                  "rules of a chain"});
  EXPECT_EQ(errors("\n  SecAction \"phase:1,nolog\"\n"),
            Lines{"r.conf:2:3: SecAction has no id: every rule needs id:N, except the later "
                  "rules of a chain"});
  // A chain's later rules need none.
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,chain\"\nSecRule ARGS y \"t:none\"\n"), Lines{});
}

TEST(ErrorsTest, BadIdsPhasesAndSeverities) {
  EXPECT_EQ(errors("SecRule ARGS x \"id:abc\"\n"),
            Lines{"r.conf:1:17: id must be a whole number from 1 to 4294967295, got 'abc'"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,phase:6\"\n"),
            Lines{"r.conf:1:22: phase must be 1 to 5, request, response or logging, got '6'"});
  EXPECT_EQ(errors("SecRule ARGS x id:1,severity:SEVERE\n").size(), 1u);
  EXPECT_EQ(errors("SecRule ARGS x id:7\nSecRule ARGS y id:7\n"),
            Lines{"r.conf:2:16: duplicate rule id 7 (first at r.conf:1:1)"});
}

TEST(ErrorsTest, UnknownNamesWithSuggestions) {
  EXPECT_EQ(errors("SecRule ARG \"@rx x\" id:1\n"),
            Lines{"r.conf:1:9: unknown variable 'ARG' (did you mean ARGS?)"});
  EXPECT_EQ(errors("SecRule ARGS|REQUEST_HEADRES:Host \"@rx x\" id:1\n"),
            Lines{"r.conf:1:14: unknown variable 'REQUEST_HEADRES' (did you mean "
                  "REQUEST_HEADERS?)"});
  EXPECT_EQ(errors("SecRule ARGS \"@rxx x\" id:1\n"),
            Lines{"r.conf:1:15: unknown operator 'rxx' (did you mean @rx?)"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,nolgo\"\n"),
            Lines{"r.conf:1:22: unknown action 'nolgo' (did you mean nolog?)"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,t:lowercase,t:urlDecodeUnii\"\n"),
            Lines{"r.conf:1:36: unknown transformation 'urlDecodeUnii' (did you mean "
                  "urlDecodeUni?)"});
}

TEST(ErrorsTest, ActionSyntax) {
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,pass nolog\"\n"),
            Lines{"r.conf:1:27: expected ',' after action 'pass', got 'n'"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1 pass\"\n"),  // a bare value runs to the comma
            Lines{"r.conf:1:17: id must be a whole number from 1 to 4294967295, got '1 pass'"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,msg:'a'b\"\n"),
            Lines{"r.conf:1:29: unexpected 'b' after the quoted value of 'msg'"});
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,tag\"\n"),
            Lines{"r.conf:1:22: action 'tag' needs a value (tag:...)"});
}

TEST(ErrorsTest, ArgumentsAndQuotes) {
  EXPECT_EQ(errors("SecRule ARGS \"@rx x\"id:1\n"),
            Lines{"r.conf:1:21: unexpected 'i' after a closing quote: put a blank between "
                  "arguments"});
  EXPECT_EQ(errors("SecRule ARGS \"@rx y\" x id:1\n"),
            Lines{"r.conf:1:24: SecRule takes three arguments (variables, operator, actions), "
                  "this is a fourth; is a quote missing?"});
  EXPECT_EQ(errors("SecMarker\n"), Lines{"r.conf:1:1: SecMarker takes one argument, got 0"});
  EXPECT_EQ(errors("SecRule ARGS| \"@rx x\" id:1\n"),
            Lines{"r.conf:1:13: a variable must follow '|'"});
}

TEST(ErrorsTest, ColumnsThroughContinuedLines) {
  EXPECT_EQ(errors("SecRule ARGS \"@rx x\" \\\n"
                   "    \"id:1,\\\n"
                   "    phase:2,\\\n"
                   "    bogus,\\\n"
                   "    pass\"\n"),
            Lines{"r.conf:4:5: unknown action 'bogus'"});
}

TEST(ErrorsTest, ChainLeftOpenAtTheEndOfAFile) {
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,chain\"\n"
                   "  SecRule ARGS y \"chain\"\n"),
            Lines{"r.conf:2:3: this rule ends with 'chain' but no SecRule follows before the end "
                  "of the file: a chain is left open"});
}

TEST(ErrorsTest, ChainInterruptedByAnotherDirective) {
  const ParseResult result = parse_text(
      "SecRule ARGS x \"id:1,chain\"\n"
      "SecMarker M\n"
      "SecAction id:2\n",
      "r.conf");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "r.conf:2:1: the rule at r.conf:1:1 ends with 'chain', so a SecRule must follow, "
            "not SecMarker");
  EXPECT_EQ(result.items.size(), 3u);  // the rule, the marker, the SecAction
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,chain\"\nSecAction id:2\n"),
            Lines{"r.conf:2:1: the rule at r.conf:1:1 ends with 'chain', so a SecRule must "
                  "follow, not SecAction"});
}

TEST(ErrorsTest, DisruptiveActionsOnlyOnTheFirstRuleOfAChain) {
  // As ModSecurity 3: disruptive actions are refused in a later link
  // (block is not), an id or a phase is let through.
  EXPECT_EQ(errors("SecRule ARGS x \"id:1,chain\"\n"
                   "SecRule ARGS y \"id:2,phase:2,block,deny,t:none,pass\"\n"),
            (Lines{"r.conf:2:36: disruptive action 'deny' is only allowed on the first rule of a "
                   "chain",
                   "r.conf:2:48: disruptive action 'pass' is only allowed on the first rule of a "
                   "chain"}));
}

TEST(ErrorsTest, ABrokenRuleIsLeftOutButItsChainIsStillFollowed) {
  const ParseResult result = parse_text(
      "SecRule ARGS \"@bogus x\" \"id:1,chain\"\n"
      "SecRule ARGS y \"t:none\"\n"
      "SecRule ARGS z \"id:3\"\n",
      "r.conf");
  ASSERT_EQ(result.errors.size(), 1u);  // no "has no id" for the link
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).id(), 3u);
}

TEST(ErrorsTest, NulByte) {
  const std::string text("SecRule ARGS \"@rx a\0b\" id:1\n", 28);
  EXPECT_EQ(errors(text),
            Lines{"r.conf:1:20: NUL byte in the line (ModSecurity would end the line there)"});
}

TEST(ErrorsTest, MessagesQuoteHostileBytesSafely) {
  const std::vector<std::string> got = errors("Sec\xff\x01Rule x\n");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "r.conf:1:1: unknown directive 'Sec\\xff\\x01Rule' (did you mean SecRule?)");
}

TEST(ErrorsTest, TooManyErrorsAreCut) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "Bogus\n";
  const ParseResult result = parse_text(text, "r.conf");
  ASSERT_EQ(result.errors.size(), kMaxErrors + 1);
  EXPECT_EQ(result.errors.back().message, "too many errors; the rest are not listed");
}

}  // namespace
}  // namespace centinela::seclang

namespace centinela::seclang {
namespace {

// libmodsecurity loads an unknown operator without a word (modsec/ reports
// it), so the error says which kind it is and which rule it is in.
TEST(ErrorsTest, AnUnknownOperatorNamesItsKindAndRule) {
  const ParseResult result = parse_text(
      "SecRule ARGS \"@fooBar x\" \"id:7,phase:2,deny\"\n"
      "SecRule ARGS \"@rx a\" \"id:8,phase:2,deny,chain\"\n"
      "  SecRule ARGS \"@rsx b\" \"t:none\"\n"
      "SecRule NOSUCHVAR \"@rx c\" \"id:9,phase:2,deny\"\n",
      "r.conf");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].kind, ParseError::Kind::unknown_operator);
  EXPECT_EQ(result.errors[0].rule_id, 7u);
  EXPECT_EQ(result.errors[0].where.line, 1);
  EXPECT_EQ(result.errors[1].kind, ParseError::Kind::unknown_operator);
  EXPECT_EQ(result.errors[1].rule_id, 8u) << "a chain link is named by its first rule";
  EXPECT_EQ(result.errors[1].where.line, 3);
  EXPECT_EQ(result.errors[2].kind, ParseError::Kind::other);
  EXPECT_EQ(result.errors[2].rule_id, 9u);
}

}  // namespace
}  // namespace centinela::seclang
