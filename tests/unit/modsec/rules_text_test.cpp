// The SecLang a route's libmodsecurity rule set adds around the rule files:
// the route's paranoia and threshold before CRS reads them, the body bound,
// and its exclusions in libmodsecurity's directives.
#include "modsec/rules_text.h"

#include <gtest/gtest.h>

namespace centinela::modsec {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

RuleIndex crs_like_index() {
  RuleIndex index;
  index.add(942100, {"attack-sqli"});
  index.add(942110, {"attack-sqli"});
  index.add(941100, {"attack-xss"});
  return index;
}

TEST(RulesText, PreambleCarriesTheRouteSettings) {
  config::RouteWafConfig route;
  route.paranoia = 3;
  route.anomaly_threshold = 12;
  route.inspect_body_bytes = 4096;
  const RouteRules rules = route_rules(route, {});
  EXPECT_TRUE(has(rules.preamble, "SecRuleEngine On\n"));
  EXPECT_TRUE(has(rules.preamble, "SecRequestBodyAccess On\n"));
  EXPECT_TRUE(has(rules.preamble, "SecRequestBodyLimit 4096\n"));
  EXPECT_TRUE(has(rules.preamble, "SecRequestBodyLimitAction ProcessPartial\n"));
  EXPECT_TRUE(has(rules.preamble,
                  "setvar:tx.paranoia_level=3,setvar:tx.executing_paranoia_level=3"
                  ",setvar:tx.inbound_anomaly_score_threshold=12"));
  EXPECT_TRUE(has(rules.preamble, "ctl:requestBodyProcessor=JSON"));
  EXPECT_TRUE(has(rules.preamble, "id:200002"));
  EXPECT_TRUE(rules.exclusions.empty());
}

TEST(RulesText, ExclusionsWithoutTargetsRemoveRules) {
  config::RouteWafConfig route;
  config::WafExclusion by_id;
  by_id.rules = {{942100, 942100}, {941000, 941999}};
  config::WafExclusion by_tag;
  by_tag.tag = "attack-xss";
  route.exclusions = {by_id, by_tag};
  const RouteRules rules = route_rules(route, crs_like_index());
  EXPECT_EQ(rules.exclusions,
            "SecRuleRemoveById 942100\nSecRuleRemoveById 941000-941999\n"
            "SecRuleRemoveByTag \"attack-xss\"\n");
}

TEST(RulesText, ExclusionsWithTargetsNarrowRulesIdByIdOfARange) {
  config::RouteWafConfig route;
  config::WafExclusion by_range;
  by_range.rules = {{942000, 942999}};
  by_range.args = {"json.note"};
  by_range.headers = {"user-agent"};
  config::WafExclusion by_tag;
  by_tag.tag = "attack-sqli";
  by_tag.cookies = {"session"};
  route.exclusions = {by_range, by_tag};
  const RouteRules rules = route_rules(route, crs_like_index());
  EXPECT_EQ(rules.exclusions,
            "SecRuleUpdateTargetById 942100 \"!ARGS:json.note,!REQUEST_HEADERS:user-agent\"\n"
            "SecRuleUpdateTargetById 942110 \"!ARGS:json.note,!REQUEST_HEADERS:user-agent\"\n"
            "SecRuleUpdateTargetByTag \"attack-sqli\" \"!REQUEST_COOKIES:session\"\n");
}

TEST(RulesText, EqualSettingsShareAKey) {
  config::RouteWafConfig a;
  config::RouteWafConfig b;
  EXPECT_EQ(route_rules(a, {}).key(), route_rules(b, {}).key());
  b.paranoia = 2;
  EXPECT_NE(route_rules(a, {}).key(), route_rules(b, {}).key());
}

}  // namespace
}  // namespace centinela::modsec
