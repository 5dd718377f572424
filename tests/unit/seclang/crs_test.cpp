// All of Debian's OWASP CRS 3.3.4 (modsecurity-crs, with its security
// backports) in its load order: no error, and the counts of the issue 13
// survey (docs/plans/waf.md §1), which an independent reader produced.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "crs_rx_digests.h"
#include "seclang/parse.h"

namespace centinela::seclang {
namespace {

const std::vector<std::string> kCrsFiles = {"/etc/modsecurity/crs/crs-setup.conf",
                                            "/usr/share/modsecurity-crs/rules/*.conf"};
constexpr const char* kCrsLoad = "/usr/share/modsecurity-crs/owasp-crs.load";

bool crs_installed() {
  return std::filesystem::exists(
             "/usr/share/modsecurity-crs/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf") &&
         std::filesystem::exists(kCrsFiles[0]);
}

class CrsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (crs_installed()) parsed_ = new ParseResult(parse_files(kCrsFiles));
  }
  static void TearDownTestSuite() {
    delete parsed_;
    parsed_ = nullptr;
  }
  void SetUp() override {
    if (!parsed_) GTEST_SKIP() << "Debian's modsecurity-crs is not installed";
  }
  static std::vector<const Rule*> rules() {
    std::vector<const Rule*> out;
    for (const Item& item : parsed_->items) {
      if (const Rule* rule = std::get_if<Rule>(&item)) out.push_back(rule);
    }
    return out;
  }
  // Every rule and chain link, in order.
  static std::vector<const Rule*> links() {
    std::vector<const Rule*> out;
    for (const Rule* rule : rules()) {
      out.push_back(rule);
      for (const Rule& link : rule->chain) out.push_back(&link);
    }
    return out;
  }
  static const Rule& rule_with_id(std::uint32_t id) {
    for (const Rule* rule : rules()) {
      if (rule->id() == id) return *rule;
    }
    ADD_FAILURE() << "no rule " << id;
    static const Rule none{};
    return none;
  }
  static ParseResult* parsed_;
};

ParseResult* CrsTest::parsed_ = nullptr;

std::string all_errors(const ParseResult& result) {
  std::string out;
  for (const ParseError& e : result.errors) out += e.to_string() + "\n";
  return out;
}

TEST_F(CrsTest, ParsesWithoutErrors) {
  EXPECT_TRUE(parsed_->ok()) << all_errors(*parsed_);
  EXPECT_EQ(parsed_->files.size(), 33u);  // crs-setup + 32 rule files
}

TEST_F(CrsTest, RulesChainsAndDirectivesAsTheSurveyCounted) {
  std::map<std::string, int> directives;
  int sec_rules = 0, sec_actions = 0, links_total = 0;
  std::map<std::size_t, int> chain_lengths;
  for (const Item& item : parsed_->items) {
    if (const Directive* d = std::get_if<Directive>(&item)) {
      ++directives[d->name];
      continue;
    }
    const Rule& rule = std::get<Rule>(item);
    ++(rule.is_action ? sec_actions : sec_rules);
    links_total += static_cast<int>(rule.chain.size());
    ++chain_lengths[1 + rule.chain.size()];
  }
  EXPECT_EQ(sec_rules, 624);
  EXPECT_EQ(sec_actions, 10);
  EXPECT_EQ(links_total, 166);
  EXPECT_EQ(chain_lengths,
            (std::map<std::size_t, int>{{1, 519}, {2, 74}, {3, 34}, {4, 4}, {5, 3}}));
  EXPECT_EQ(directives, (std::map<std::string, int>{{"SecCollectionTimeout", 1},
                                                    {"SecComponentSignature", 1},
                                                    {"SecDefaultAction", 2},
                                                    {"SecMarker", 40}}));
}

TEST_F(CrsTest, PhasesOfRules) {
  std::map<int, int> phases;
  for (const Rule* rule : rules()) ++phases[rule->phase().value_or(2)];  // SecDefaultAction's
  EXPECT_EQ(phases, (std::map<int, int>{{1, 147}, {2, 389}, {3, 24}, {4, 58}, {5, 16}}));
}

TEST_F(CrsTest, OperatorsPerLink) {
  std::map<std::string, int> operators;
  for (const Rule* link : links()) {
    if (!link->is_action) ++operators[(link->op.negated ? "!@" : "@") + link->op.name];
  }
  EXPECT_EQ(operators["@rx"], 247);
  EXPECT_EQ(operators["!@rx"], 18);
  EXPECT_EQ(operators["@pmFromFile"], 19);
  EXPECT_EQ(operators["@lt"], 189);
  EXPECT_EQ(operators["@eq"], 120);
  EXPECT_EQ(operators["!@within"], 6);
  EXPECT_EQ(operators["@detectSQLi"], 2);
  EXPECT_EQ(operators["@detectXSS"], 2);
  EXPECT_EQ(operators.size(), 27u);
  int total = 0;
  for (const auto& [name, count] : operators) total += count;
  EXPECT_EQ(total, 790);
}

TEST_F(CrsTest, ActionsAndVariablesAsTheSurveyCounted) {
  std::map<std::string, int> actions, ctls;
  int variables = 0, cookie_exclusions = 0, transformations = 0, nones = 0;
  for (const Rule* link : links()) {
    for (const Action& a : link->actions) {
      ++actions[a.name];
      if (a.name == "t") {
        ++transformations;
        nones += a.value == "none" ? 1 : 0;
      }
    }
    for (const Ctl& ctl : link->ctls()) ++ctls[std::string(ctl.name)];
    for (const Variable& v : link->variables) {
      ++variables;
      cookie_exclusions += v.exclude && v.collection == "REQUEST_COOKIES" && v.selector_is_regex;
    }
  }
  EXPECT_EQ(actions["tag"], 1898);
  EXPECT_EQ(actions["id"], 634);
  EXPECT_EQ(actions["phase"], 634);
  EXPECT_EQ(actions["setvar"], 546);
  EXPECT_EQ(actions["ctl"], 537);
  EXPECT_EQ(actions["chain"], 166);
  EXPECT_EQ(actions["capture"], 200);
  EXPECT_EQ(actions.size(), 25u);
  EXPECT_EQ(transformations, 837);
  EXPECT_EQ(nones, 493);
  EXPECT_EQ(ctls["ruleRemoveTargetById"], 202);
  EXPECT_EQ(ctls["ruleRemoveTargetByTag"], 169);
  EXPECT_EQ(ctls["auditLogParts"], 110);
  // The survey said 1,477: its reader took `XML:/*|XML://@*` (10 rules) for
  // one regex selector; ModSecurity reads two variables, as this parser does.
  EXPECT_EQ(variables, 1487);
  EXPECT_EQ(cookie_exclusions, 124);
}

TEST_F(CrsTest, EveryRxPatternByteForByte) {
  std::map<std::pair<std::uint32_t, int>, const Rule*> rx;
  for (const Rule* rule : rules()) {
    const std::uint32_t id = rule->id().value_or(0);
    for (int link = 0; link <= static_cast<int>(rule->chain.size()); ++link) {
      const Rule& r = link == 0 ? *rule : rule->chain[link - 1];
      if (!r.is_action && r.op.name == "rx") rx[{id, link}] = &r;
    }
  }
  EXPECT_EQ(rx.size(), std::size(crs_rx::kDigests));
  for (const crs_rx::Digest& expected : crs_rx::kDigests) {
    const auto it = rx.find({expected.id, expected.link});
    ASSERT_NE(it, rx.end()) << expected.id << " link " << expected.link;
    const Operator& op = it->second->op;
    EXPECT_EQ(op.negated, expected.negated) << expected.id;
    EXPECT_EQ(op.argument.size(), expected.length) << expected.id;
    EXPECT_EQ(crs_rx::fnv1a(op.argument.data(), op.argument.size()), expected.fnv1a)
        << expected.id << " link " << expected.link;
  }
}

TEST_F(CrsTest, GiantCommandPatternIsIntact) {
  const Rule& rule = rule_with_id(932100);
  ASSERT_EQ(rule.op.name, "rx");
  EXPECT_EQ(rule.op.argument.size(), 5009u);
  EXPECT_EQ(rule.op.argument.substr(0, 24), R"((?:;|\{|\||\|\||&|&&|\n|)");
  EXPECT_TRUE(rule.op.argument.ends_with(R"(7[\\\\'"]*z(?:[\\\\'"]*[ar])?)\b)"));
  EXPECT_EQ(crs_rx::fnv1a(rule.op.argument.data(), rule.op.argument.size()), 0xe969c399d99b996cULL);
}

TEST_F(CrsTest, LibinjectionRule942100) {
  const Rule& rule = rule_with_id(942100);
  EXPECT_FALSE(rule.is_action);
  EXPECT_TRUE(rule.where.file.ends_with("REQUEST-942-APPLICATION-ATTACK-SQLI.conf"));
  EXPECT_EQ(rule.where.line, 46);
  EXPECT_EQ(rule.where.column, 1);
  ASSERT_EQ(rule.variables.size(), 8u);
  EXPECT_EQ(rule.variables[0].collection, "REQUEST_COOKIES");
  EXPECT_TRUE(rule.variables[1].exclude);
  EXPECT_TRUE(rule.variables[1].selector_is_regex);
  EXPECT_EQ(rule.variables[1].selector, "__utm");
  EXPECT_EQ(rule.variables[3].collection, "REQUEST_HEADERS");
  EXPECT_EQ(rule.variables[3].selector, "User-Agent");
  EXPECT_EQ(rule.variables[7].collection, "XML");
  EXPECT_EQ(rule.variables[7].selector, "/*");
  EXPECT_FALSE(rule.variables[7].selector_is_regex);
  EXPECT_EQ(rule.op.name, "detectSQLi");
  EXPECT_EQ(rule.op.argument, "");
  EXPECT_FALSE(rule.op.negated);
  EXPECT_EQ(rule.phase(), 2);
  EXPECT_EQ(rule.severity(), 2);
  EXPECT_EQ(rule.msg(), "SQL Injection Attack Detected via libinjection");
  EXPECT_EQ(rule.transformations(),
            (std::vector<std::string_view>{"utf8toUnicode", "urlDecodeUni", "removeNulls"}));
  EXPECT_EQ(rule.tags(),
            (std::vector<std::string_view>{"application-multi", "language-multi", "platform-multi",
                                           "attack-sqli", "paranoia-level/1", "OWASP_CRS",
                                           "capec/1000/152/248/66", "PCI/6.5.2"}));
  EXPECT_EQ(rule.setvars(), (std::vector<std::string_view>{
                                "tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}",
                                "tx.sql_injection_score=+%{tx.critical_anomaly_score}"}));
  EXPECT_EQ(rule.find("logdata")->value,
            "Matched Data: %{TX.0} found within %{MATCHED_VAR_NAME}: %{MATCHED_VAR}");
  EXPECT_TRUE(rule.has("multiMatch"));
  EXPECT_TRUE(rule.has("capture"));
  EXPECT_TRUE(rule.chain.empty());
}

TEST_F(CrsTest, BackportedRule920620) {
  const Rule& rule = rule_with_id(920620);
  EXPECT_TRUE(rule.where.file.ends_with("REQUEST-920-PROTOCOL-ENFORCEMENT.conf"));
  ASSERT_EQ(rule.variables.size(), 1u);
  EXPECT_TRUE(rule.variables[0].count);
  EXPECT_FALSE(rule.variables[0].exclude);
  EXPECT_EQ(rule.variables[0].collection, "REQUEST_HEADERS");
  EXPECT_EQ(rule.variables[0].selector, "Content-Type");
  EXPECT_EQ(rule.op.name, "gt");
  EXPECT_EQ(rule.op.argument, "1");
  EXPECT_EQ(rule.phase(), 1);
  EXPECT_TRUE(rule.has("block"));
  EXPECT_TRUE(rule.has_transformations());
  EXPECT_TRUE(rule.transformations().empty());  // t:none
  EXPECT_EQ(rule.msg(), "Multiple Content-Type Request Headers");
  EXPECT_EQ(rule.find("logdata")->value, "%{MATCHED_VAR}");
  EXPECT_EQ(rule.find("ver")->value, "OWASP_CRS/3.3.4");
  EXPECT_EQ(rule.severity(), 2);
}

TEST_F(CrsTest, QuotedRegexSelectorsAreVerbatim) {
  const Rule& rule = rule_with_id(980100);
  ASSERT_EQ(rule.variables.size(), 1u);
  EXPECT_TRUE(rule.variables[0].count);
  EXPECT_TRUE(rule.variables[0].selector_is_regex);
  EXPECT_EQ(rule.variables[0].selector, R"(LEAKAGE\\\/ERRORS)");
  ASSERT_EQ(rule.chain.size(), 1u);
  EXPECT_EQ(rule.chain[0].variables[0].selector, "WEB_ATTACK");
  EXPECT_EQ(rule.phase(), 5);
  EXPECT_EQ(rule.find("skipAfter")->value, "END-CORRELATION");
}

TEST_F(CrsTest, AChainKeepsItsLinksInOrder) {
  std::size_t longest = 0;
  const Rule* five = nullptr;
  for (const Rule* rule : rules()) {
    if (rule->chain.size() > longest) {
      longest = rule->chain.size();
      five = rule;
    }
  }
  ASSERT_NE(five, nullptr);
  EXPECT_EQ(longest, 4u);
  for (std::size_t i = 0; i < five->chain.size(); ++i) {
    const Rule& link = five->chain[i];
    EXPECT_FALSE(link.id().has_value());
    EXPECT_EQ(link.has("chain"), i + 1 < five->chain.size());
    EXPECT_GT(link.where.line, i == 0 ? five->where.line : five->chain[i - 1].where.line);
  }
}

TEST_F(CrsTest, DefaultActionsAndMarkers) {
  std::vector<const Directive*> defaults;
  for (const Item& item : parsed_->items) {
    if (const Directive* d = std::get_if<Directive>(&item); d && d->name == "SecDefaultAction") {
      defaults.push_back(d);
    }
  }
  ASSERT_EQ(defaults.size(), 2u);
  ASSERT_EQ(defaults[0]->actions.size(), 4u);
  EXPECT_EQ(defaults[0]->actions[0].name, "phase");
  EXPECT_EQ(defaults[0]->actions[0].value, "1");
  EXPECT_EQ(defaults[0]->actions[3].name, "pass");
  EXPECT_EQ(defaults[1]->actions[0].value, "2");
}

TEST(CrsLoadFileTest, OwaspCrsLoadReadsTheSameThroughInclude) {
  if (!crs_installed() || !std::filesystem::exists(kCrsLoad)) GTEST_SKIP();
  const std::vector<std::string> load = {kCrsLoad};
  const ParseResult through_include = parse_files(load);
  const ParseResult direct = parse_files(kCrsFiles);
  EXPECT_TRUE(through_include.ok()) << all_errors(through_include);
  EXPECT_EQ(through_include.items.size(), direct.items.size());
  EXPECT_GE(through_include.files.size(), direct.files.size() + 1);
}

TEST(CrsSpeedTest, AllOfCrsWellUnderAHundredMilliseconds) {
  if (!crs_installed()) GTEST_SKIP();
  parse_files(kCrsFiles);  // warm the page cache
  const auto start = std::chrono::steady_clock::now();
  const ParseResult result = parse_files(kCrsFiles);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(result.ok());
  // A loose bound for a loaded, unoptimised build; typically a few ms.
  EXPECT_LT(took, std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace centinela::seclang
