#include "modsec/rules_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "waf/builtin_rules.h"

namespace centinela::modsec {

namespace {

// JSON for application/json and any +json type (as centinela's own engine
// chooses), XML as libmodsecurity's recommended configuration does;
// urlencoded and multipart bodies libmodsecurity recognises by itself.
constexpr const char* kBodyProcessors = R"rules(
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application/json|[^;\s]*\+json)\s*(?:;|$)" \
  "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_HEADERS:Content-Type "@rx ^(?:application(?:/soap\+|/)|text/)xml|\+xml\s*(?:;|$)" \
  "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
)rules";

// A body longer than the route inspects is read in its first bytes, as
// centinela's engine reads it: an unfinished JSON or multipart text there
// is not a malformed body (the stage marks INBOUND_DATA_ERROR for it).
constexpr const char* kTruncatedBody = R"(
SecRule INBOUND_DATA_ERROR "@eq 1" \
  "id:{},phase:2,pass,nolog,t:none,ctl:ruleRemoveById=200002,ctl:ruleRemoveById=200003"
)";

// SecLang's double-quoted argument: a `"` inside is written `\"`.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

void append_exclusion(std::string& out, const config::WafExclusion& e, const RuleIndex& index) {
  const std::string targets = excluded_targets(e);
  if (targets.empty()) {
    for (const config::WafRuleRange& range : e.rules) {
      out += range.first == range.last
                 ? fmt::format("SecRuleRemoveById {}\n", range.first)
                 : fmt::format("SecRuleRemoveById {}-{}\n", range.first, range.last);
    }
    if (!e.tag.empty()) out += "SecRuleRemoveByTag " + quoted(e.tag) + "\n";
    return;
  }
  for (const config::WafRuleRange& range : e.rules) {
    for (std::uint32_t id : index.ids_in(range)) {
      out += fmt::format("SecRuleUpdateTargetById {} {}\n", id, quoted(targets));
    }
  }
  if (!e.tag.empty()) {
    out += "SecRuleUpdateTargetByTag " + quoted(e.tag) + " " + quoted(targets) + "\n";
  }
}

}  // namespace

std::string excluded_targets(const config::WafExclusion& exclusion) {
  std::string out;
  auto add = [&](std::string_view collection, const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      if (!out.empty()) out += ',';
      out += fmt::format("!{}:{}", collection, name);
    }
  };
  add("ARGS", exclusion.args);
  add("REQUEST_HEADERS", exclusion.headers);
  add("REQUEST_COOKIES", exclusion.cookies);
  return out;
}

RouteRules route_rules(const config::RouteWafConfig& route_waf, const RuleIndex& index) {
  RouteRules rules;
  // The bound is the stage's too: it hands libmodsecurity at most this many
  // bytes, and ProcessPartial keeps a longer body's first bytes.
  const std::uint64_t body_limit = std::max<std::uint64_t>(route_waf.inspect_body_bytes, 1);
  rules.preamble = fmt::format(
      "SecRuleEngine On\n"
      "SecRequestBodyAccess On\n"
      "SecRequestBodyLimit {}\n"
      "SecRequestBodyLimitAction ProcessPartial\n",
      body_limit);
  rules.preamble += kBodyProcessors;
  // Before CRS's REQUEST-901, which sets only what is still unset.
  rules.preamble += fmt::format(
      "SecAction \"id:{},phase:1,pass,nolog,t:none,"
      "setvar:tx.paranoia_level={},setvar:tx.executing_paranoia_level={},"
      "setvar:tx.inbound_anomaly_score_threshold={}\"\n",
      kRouteSettingsRule, route_waf.paranoia, route_waf.paranoia, route_waf.anomaly_threshold);
  rules.preamble += fmt::format(kTruncatedBody, kTruncatedBodyRule);
  rules.preamble += waf::builtin_rules_text();
  for (const config::WafExclusion& e : route_waf.exclusions) {
    append_exclusion(rules.exclusions, e, index);
  }
  return rules;
}

}  // namespace centinela::modsec
