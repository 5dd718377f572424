// How SecLang text is read: lines, quoting, variables, operators, actions,
// chains, and the typed view of a rule.
#include "seclang/parse.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::seclang {
namespace {

std::string errors_of(const ParseResult& result) {
  std::string out;
  for (const ParseError& e : result.errors) out += e.to_string() + "\n";
  return out;
}

// The only rule of `text`, which must parse cleanly.
Rule only_rule(std::string_view text) {
  const ParseResult result = parse_text(text, "t.conf");
  EXPECT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(result.items.size(), 1u);
  if (result.items.size() != 1 || !std::holds_alternative<Rule>(result.items[0])) return {};
  return std::get<Rule>(result.items[0]);
}

TEST(ParseTest, ContinuedLinesAndComments) {
  const Rule rule = only_rule(
      "# a comment\n"
      "   # an indented one\n"
      "\n"
      "SecRule ARGS \"@rx a b\" \\\n"
      "    \"id:1,\\\n"
      "    phase:2,\\\n"
      "    pass\"\n");
  EXPECT_EQ(rule.where.line, 4);
  EXPECT_EQ(rule.where.column, 1);
  EXPECT_EQ(rule.op.argument, "a b");
  ASSERT_EQ(rule.actions.size(), 3u);
  EXPECT_EQ(rule.actions[1].name, "phase");
  EXPECT_EQ(rule.actions[1].value, "2");
  EXPECT_EQ(rule.actions[2].name, "pass");
}

TEST(ParseTest, OnlyACommentedOutRuleContinuesOnTheNextLine) {
  // ModSecurity 3: `# text \` ends with its line, `#SecRule ... \` goes on.
  const ParseResult result = parse_text(
      "# a note that ends in a backslash \\\n"
      "SecRule ARGS x id:1\n"
      "  #  SecAction \\\n"
      "  #    \"id:2,\\\n"
      "SecRule ARGS y id:3\n"
      "SecRule ARGS z id:4\n",
      "t.conf");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  ASSERT_EQ(result.items.size(), 2u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).id(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[1]).id(), 4u);
  EXPECT_EQ(std::get<Rule>(result.items[1]).where.line, 6);
}

TEST(ParseTest, BareValuesRunToTheComma) {
  const Rule rule = only_rule("SecRule ARGS x \"id:1,msg:two words ,pass\"");
  EXPECT_EQ(rule.msg(), "two words");
  EXPECT_TRUE(rule.has("pass"));
}

TEST(ParseTest, CrlfLineEndsAndACommentContinuedIsStillAComment) {
  const ParseResult result = parse_text(
      "#SecRule ARGS \"@rx x\" \\\r\n"
      "#  \"id:1\"\r\n"
      "SecRule ARGS \"@rx y\" \"id:2,pass\"\r\n",
      "t.conf");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).id(), 2u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).op.argument, "y");
}

TEST(ParseTest, AByteOrderMarkIsSkipped) {
  const Rule rule = only_rule("\xEF\xBB\xBFSecRule ARGS x id:1\n");
  EXPECT_EQ(rule.where.line, 1);
  EXPECT_EQ(rule.where.column, 1);  // as an editor shows it
}

TEST(ParseTest, EscapedQuotesInsideADoubleQuotedArgument) {
  const Rule rule = only_rule(R"(SecRule ARGS "@rx a\"b\\c\d" "id:1,msg:'it\'s \"x\"'")");
  EXPECT_EQ(rule.op.argument, R"(a"b\\c\d)");  // only \" is unescaped
  EXPECT_EQ(rule.msg(), R"(it's "x")");
}

TEST(ParseTest, AnEvenRunOfBackslashesBeforeAQuoteClosesTheArgument) {
  const Rule rule = only_rule(R"(SecRule ARGS "@rx a\\" "id:1,msg:'x'")");
  EXPECT_EQ(rule.op.argument, R"(a\\)");
  EXPECT_EQ(only_rule(R"(SecRule ARGS "@rx a\\\"b" id:1)").op.argument, R"(a\\"b)");
}

TEST(ParseTest, BareArgumentsAndABareOperatorIsRx) {
  const Rule rule = only_rule("SecRule REQUEST_URI ^/admin id:3,deny");
  EXPECT_EQ(rule.op.name, "rx");
  EXPECT_FALSE(rule.op.negated);
  EXPECT_EQ(rule.op.argument, "^/admin");
  EXPECT_TRUE(rule.has("deny"));
  const Rule negated = only_rule("SecRule REQUEST_URI \"!^/admin\" id:4");
  EXPECT_TRUE(negated.op.negated);
  EXPECT_EQ(negated.op.argument, "^/admin");
}

TEST(ParseTest, OperatorNamesAreCanonicalAndAliasesResolve) {
  EXPECT_EQ(only_rule("SecRule ARGS \"@PMF x.data\" id:1").op.name, "pmFromFile");
  EXPECT_EQ(only_rule("SecRule ARGS \"!@StrEq  two  spaces\" id:1").op.argument,
            " two  spaces");  // one blank after the name, the rest is the argument
  const Rule rule = only_rule("SecRule ARGS \"@detectXSS\" id:1");
  EXPECT_EQ(rule.op.name, "detectXSS");
  EXPECT_EQ(rule.op.argument, "");
}

TEST(ParseTest, Variables) {
  const Rule rule = only_rule(
      "SecRule \"args|!REQUEST_COOKIES:/^__utm/|&TX:Foo|"
      "REQUEST_HEADERS:'/a|b/'|XML:/*|ARGS:'odd name'|MATCHED_VARS\" \"@eq 0\" id:1");
  ASSERT_EQ(rule.variables.size(), 7u);
  EXPECT_EQ(rule.variables[0].collection, "ARGS");
  EXPECT_EQ(rule.variables[0].selector, "");
  EXPECT_TRUE(rule.variables[1].exclude);
  EXPECT_TRUE(rule.variables[1].selector_is_regex);
  EXPECT_EQ(rule.variables[1].selector, "^__utm");
  // A '|' inside /regex/ ends it (ModSecurity's rule): '^__utm' is not a
  // regex selector then; quoted it is.
  const Rule quoted = only_rule("SecRule !REQUEST_COOKIES:'/^__utm|x$/' \"@eq 0\" id:1");
  EXPECT_TRUE(quoted.variables[0].exclude);
  EXPECT_TRUE(quoted.variables[0].selector_is_regex);
  EXPECT_EQ(quoted.variables[0].selector, "^__utm|x$");
  EXPECT_TRUE(rule.variables[2].count);
  EXPECT_EQ(rule.variables[2].collection, "TX");
  EXPECT_EQ(rule.variables[2].selector, "Foo");
  EXPECT_TRUE(rule.variables[3].selector_is_regex);
  EXPECT_EQ(rule.variables[3].selector, "a|b");
  EXPECT_EQ(rule.variables[4].selector, "/*");
  EXPECT_FALSE(rule.variables[4].selector_is_regex);
  EXPECT_EQ(rule.variables[5].selector, "odd name");
  EXPECT_EQ(rule.variables[6].collection, "MATCHED_VARS");
}

TEST(ParseTest, XPathSelectorsAreNotRegexes) {
  const Rule rule = only_rule("SecRule ARGS|XML:/*|XML://@* \"@rx x\" id:1");
  ASSERT_EQ(rule.variables.size(), 3u);
  EXPECT_EQ(rule.variables[1].selector, "/*");
  EXPECT_EQ(rule.variables[2].selector, "//@*");
  EXPECT_FALSE(rule.variables[2].selector_is_regex);
}

TEST(ParseTest, RegexSelectorWithoutPipe) {
  const Rule rule = only_rule("SecRule TX:/^MULTIPART_HEADERS_CONTENT_TYPES_/ \"@rx x\" id:1");
  ASSERT_EQ(rule.variables.size(), 1u);
  EXPECT_TRUE(rule.variables[0].selector_is_regex);
  EXPECT_EQ(rule.variables[0].selector, "^MULTIPART_HEADERS_CONTENT_TYPES_");
}

TEST(ParseTest, ActionValuesQuotedAndBare) {
  const Rule good = only_rule(
      "SecAction \"id:900990, phase:request ,nolog,pass,t:NONE,t:Lowercase,"
      "setvar:tx.crs_setup_version=334,setvar:'tx.a=b, c',"
      "msg:'a \\\\ b',ctl:ruleRemoveTargetById=942100;ARGS:q,ctl:ruleEngine=Off\"");
  EXPECT_TRUE(good.is_action);
  EXPECT_EQ(good.op.name, "unconditionalMatch");
  EXPECT_EQ(good.id(), 900990u);
  EXPECT_EQ(good.phase(), 2);
  EXPECT_EQ(good.transformations(), (std::vector<std::string_view>{"lowercase"}));
  EXPECT_EQ(good.setvars(),
            (std::vector<std::string_view>{"tx.crs_setup_version=334", "tx.a=b, c"}));
  EXPECT_EQ(good.msg(), "a \\ b");
  const std::vector<Ctl> ctls = good.ctls();
  ASSERT_EQ(ctls.size(), 2u);
  EXPECT_EQ(ctls[0].name, "ruleRemoveTargetById");
  EXPECT_EQ(ctls[0].value, "942100;ARGS:q");
  EXPECT_EQ(ctls[1].name, "ruleEngine");
  EXPECT_EQ(ctls[1].value, "Off");
}

TEST(ParseTest, TransformationsResetByNone) {
  const Rule rule = only_rule(
      "SecRule ARGS \"@rx x\" \"id:1,t:lowercase,t:none,t:urlDecodeUni,t:removeNulls,t:none,"
      "t:htmlEntityDecode,t:normalisePath\"");
  EXPECT_EQ(rule.transformations(),
            (std::vector<std::string_view>{"htmlEntityDecode", "normalisePath"}));
  EXPECT_FALSE(only_rule("SecRule ARGS x id:1").has_transformations());
}

TEST(ParseTest, SeverityAndPhaseForms) {
  EXPECT_EQ(only_rule("SecRule ARGS x id:1,severity:'WARNING'").severity(), 4);
  EXPECT_EQ(only_rule("SecRule ARGS x id:1,severity:2").severity(), 2);
  EXPECT_EQ(only_rule("SecRule ARGS x id:1,phase:response").phase(), 4);
  EXPECT_EQ(only_rule("SecRule ARGS x id:1,phase:'5'").phase(), 5);
  EXPECT_EQ(only_rule("SecRule ARGS x id:1").phase(), std::nullopt);
}

TEST(ParseTest, ChainLinksGoUnderTheFirstRule) {
  const ParseResult result = parse_text(
      "SecRule ARGS \"@rx a\" \"id:10,phase:2,deny,chain\"\n"
      "  SecRule MATCHED_VAR \"@rx b\" \"t:lowercase,chain\"\n"
      "    SecRule TX:1 \"@eq 1\" \"setvar:tx.x=1\"\n"
      "SecMarker END\n"
      "SecRule ARGS \"@rx c\" id:11\n",
      "t.conf");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  ASSERT_EQ(result.items.size(), 3u);
  const Rule& head = std::get<Rule>(result.items[0]);
  ASSERT_EQ(head.chain.size(), 2u);
  EXPECT_EQ(head.chain[0].op.argument, "b");
  EXPECT_EQ(head.chain[0].where.line, 2);
  EXPECT_EQ(head.chain[0].where.column, 3);
  EXPECT_EQ(head.chain[1].variables[0].selector, "1");
  EXPECT_TRUE(head.chain[1].chain.empty());
  const Directive& marker = std::get<Directive>(result.items[1]);
  EXPECT_EQ(marker.name, "SecMarker");
  EXPECT_EQ(marker.args, (std::vector<std::string>{"END"}));
  EXPECT_EQ(std::get<Rule>(result.items[2]).id(), 11u);
}

TEST(ParseTest, OtherDirectivesKeepTheirArguments) {
  const ParseResult result = parse_text(
      "secmarker \"END-REQUEST-920\"\n"
      "SecComponentSignature \"OWASP_CRS/3.3.4\"\n"
      "SecCollectionTimeout 600\n"
      "SecRuleRemoveById 942100 \"942200-942299\"\n"
      "SecDefaultAction \"phase:2,log,auditlog,pass\"\n",
      "t.conf");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  ASSERT_EQ(result.items.size(), 5u);
  EXPECT_EQ(std::get<Directive>(result.items[0]).name, "SecMarker");
  EXPECT_EQ(std::get<Directive>(result.items[0]).args[0], "END-REQUEST-920");
  EXPECT_EQ(std::get<Directive>(result.items[2]).args[0], "600");
  EXPECT_EQ(std::get<Directive>(result.items[3]).args,
            (std::vector<std::string>{"942100", "942200-942299"}));
  const Directive& defaults = std::get<Directive>(result.items[4]);
  ASSERT_EQ(defaults.actions.size(), 4u);
  EXPECT_EQ(defaults.actions[3].name, "pass");
}

TEST(ParseTest, ErrorToStringNamesFileLineAndColumn) {
  const ParseError e{{"rules/a.conf", 12, 7}, "unknown action 'bogus'"};
  EXPECT_EQ(e.to_string(), "rules/a.conf:12:7: unknown action 'bogus'");
  const ParseError whole{{"rules/*.conf", 0, 0}, "no file matches 'rules/*.conf'"};
  EXPECT_EQ(whole.to_string(), "rules/*.conf: no file matches 'rules/*.conf'");
}

}  // namespace
}  // namespace centinela::seclang
