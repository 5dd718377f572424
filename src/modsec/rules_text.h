// The SecLang a route's libmodsecurity rule set is made of besides the
// configured rule files: the preamble loaded before them (engine on, body
// access and processors, the body bound, the route's paranoia level and
// anomaly threshold for CRS's REQUEST-901 to read, centinela's built-in
// rules) and the route's exclusions loaded after them.
#pragma once

#include <string>

#include "config/config.h"
#include "modsec/rule_index.h"

namespace centinela::modsec {

// Ids of the rules the engine adds (centinela's range below its native
// detectors' 9,700,000).
inline constexpr std::uint32_t kRouteSettingsRule = 9'699'001;
inline constexpr std::uint32_t kTruncatedBodyRule = 9'699'002;

struct RouteRules {
  std::string preamble;    // before the rule files
  std::string exclusions;  // after them
  // Equal keys: the same rule set (routes with equal settings share one).
  std::string key() const { return preamble + '\n' + exclusions; }
};

RouteRules route_rules(const config::RouteWafConfig& route_waf, const RuleIndex& index);

// `!ARGS:name,!REQUEST_HEADERS:name,...` for an exclusion's targets; empty
// when it names none.
std::string excluded_targets(const config::WafExclusion& exclusion);

}  // namespace centinela::modsec
