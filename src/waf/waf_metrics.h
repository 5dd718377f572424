// The WAF's metrics, created when a route's WAF stage is built (never per
// request) so that each count is one relaxed increment:
//   centinela_waf_requests_total{route,mode}       requests inspected
//   centinela_waf_findings_total{route,group}      findings by rule group
//   centinela_waf_actions_total{route,action}      pass / detected / blocked
//   centinela_waf_inspection_seconds{route}        time in the WAF, 1 µs … 10 ms
//   centinela_waf_rules{status}                    the rule load report
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "waf/action.h"

namespace centinela::observe {
class Counter;
class Histogram;
}  // namespace centinela::observe

namespace centinela::waf {

// The `group` label: CRS files by their number (942 → sqli...), centinela's
// native detectors by theirs.
enum class FindingGroup : std::uint8_t {
  sqli,
  xss,
  rce,
  lfi,
  rfi,
  php,
  java,
  nodejs,
  protocol,
  scanner,
  fixation,
  multipart,
  generic,
  native_sql,
  native_xss,
  native_shell,
  native_path,
  nosql,
  ssti,
  ldap,
};
inline constexpr std::size_t kFindingGroups = static_cast<std::size_t>(FindingGroup::ldap) + 1;

std::string_view to_string(FindingGroup group);

// The group of a CRS rule id (its file: 941xxx → xss...) or of a native rule
// (9,700,000 + 100 × detector: 97000xx sql, 97001xx xss, 97002xx shell,
// 97003xx path); generic for anything else.
FindingGroup group_of_rule(std::uint32_t rule);

class RouteWafMetrics {
 public:
  RouteWafMetrics(std::string_view route, config::WafMode mode);

  void count_request() const;
  void count_finding(FindingGroup group) const;
  void count_action(WafAction action) const;
  void observe_inspection(double seconds) const;

 private:
  observe::Counter* requests_;
  std::array<observe::Counter*, kFindingGroups> findings_{};
  std::array<observe::Counter*, 3> actions_{};
  observe::Histogram* inspection_;
};

// Sets centinela_waf_rules{status} from a load report: (status, count) pairs
// such as ("loaded", 634), ("not_honoured", 3).
void set_rule_status(const std::vector<std::pair<std::string, double>>& counts);

}  // namespace centinela::waf
