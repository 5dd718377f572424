#include "waf/waf_metrics.h"

#include "observe/metrics.h"

namespace centinela::waf {
namespace {

constexpr std::array<std::string_view, kFindingGroups> kGroupNames = {
    "sqli",       "xss",          "rce",         "lfi",      "rfi",       "php",     "java",
    "nodejs",     "protocol",     "scanner",     "fixation", "multipart", "generic", "native_sql",
    "native_xss", "native_shell", "native_path", "nosql",    "ssti",      "ldap",
};

// 1 µs to 10 ms: the stage's budget is tens of microseconds.
constexpr std::array<double, 13> kInspectionBuckets = {
    1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2};

}  // namespace

std::string_view to_string(FindingGroup group) {
  return kGroupNames[static_cast<std::size_t>(group)];
}

FindingGroup group_of_rule(std::uint32_t rule) {
  // Native rules (builtin_rules.h): 9700100 SQL, 9700200 XSS, 9700300 shell,
  // 9700400 path, 9700500 Log4j, 9700600 NoSQL, 9700700 templates, 9700800 LDAP.
  if (rule >= 9'700'100 && rule < 9'700'500) {
    return static_cast<FindingGroup>(static_cast<unsigned>(FindingGroup::native_sql) +
                                     (rule - 9'700'100) / 100);
  }
  if (rule >= 9'700'500 && rule < 9'700'600) return FindingGroup::java;
  if (rule >= 9'700'600 && rule < 9'700'700) return FindingGroup::nosql;
  if (rule >= 9'700'700 && rule < 9'700'800) return FindingGroup::ssti;
  if (rule >= 9'700'800 && rule < 9'700'900) return FindingGroup::ldap;
  switch (rule / 1000) {
    case 913:
      return FindingGroup::scanner;
    case 920:
    case 921:
      return FindingGroup::protocol;
    case 922:
      return FindingGroup::multipart;
    case 930:
      return FindingGroup::lfi;
    case 931:
      return FindingGroup::rfi;
    case 932:
      return FindingGroup::rce;
    case 933:
      return FindingGroup::php;
    case 934:
      return FindingGroup::nodejs;
    case 941:
      return FindingGroup::xss;
    case 942:
      return FindingGroup::sqli;
    case 943:
      return FindingGroup::fixation;
    case 944:
      return FindingGroup::java;
    default:
      return FindingGroup::generic;
  }
}

std::string_view to_string(WafAction action) {
  switch (action) {
    case WafAction::pass:
      return "pass";
    case WafAction::detected:
      return "detected";
    case WafAction::blocked:
      return "blocked";
  }
  return "pass";
}

std::string_view to_string(config::WafMode mode) {
  switch (mode) {
    case config::WafMode::off:
      return "off";
    case config::WafMode::detect:
      return "detect";
    case config::WafMode::block:
      return "block";
  }
  return "off";
}

RouteWafMetrics::RouteWafMetrics(std::string_view route, config::WafMode mode) {
  observe::Registry& registry = observe::Registry::global();
  const std::string name(route);
  requests_ = &registry.counter("centinela_waf_requests_total", "Requests the WAF inspected.",
                                {{"route", name}, {"mode", std::string(to_string(mode))}});
  for (std::size_t i = 0; i < kFindingGroups; ++i) {
    findings_[i] = &registry.counter("centinela_waf_findings_total",
                                     "WAF findings (rule matches that scored) by rule group.",
                                     {{"route", name}, {"group", std::string(kGroupNames[i])}});
  }
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    actions_[i] = &registry.counter(
        "centinela_waf_actions_total", "What the WAF did with the requests it inspected.",
        {{"route", name}, {"action", std::string(to_string(static_cast<WafAction>(i)))}});
  }
  inspection_ = &registry.histogram("centinela_waf_inspection_seconds",
                                    "Time spent inspecting a request in the WAF.",
                                    {{"route", name}}, kInspectionBuckets);
}

void RouteWafMetrics::count_request() const { requests_->inc(); }

void RouteWafMetrics::count_finding(FindingGroup group) const {
  findings_[static_cast<std::size_t>(group)]->inc();
}

void RouteWafMetrics::count_action(WafAction action) const {
  actions_[static_cast<std::size_t>(action)]->inc();
}

void RouteWafMetrics::observe_inspection(double seconds) const { inspection_->observe(seconds); }

void set_rule_status(const std::vector<std::pair<std::string, double>>& counts) {
  observe::Registry& registry = observe::Registry::global();
  for (const auto& [status, count] : counts) {
    registry
        .gauge("centinela_waf_rules", "WAF rules by load status (the load report).",
               {{"status", status}})
        .set(count);
  }
}

}  // namespace centinela::waf
