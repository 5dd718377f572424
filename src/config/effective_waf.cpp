// `check -T`: the top-level `waf` and `threat` sections.
#include <algorithm>

#include "config/effective_sections.h"

namespace centinela::config {
namespace {

void print_rules(YamlWriter& w, const std::vector<WafRuleFile>& rules) {
  w.begin("rules");
  for (const WafRuleFile& file : rules) {
    w.begin_item();
    w.field("path", yaml_string(file.path));
    w.field("optional", yaml_bool(file.optional));
    w.end();
  }
  w.end();
}

void print_incident_log(YamlWriter& w, const IncidentLogConfig& log) {
  if (!log.enabled) {
    w.field("incident_log", "off");
    return;
  }
  w.begin("incident_log");
  w.field("path", yaml_string(log.path));
  w.begin("rotate");
  w.field("max_size", yaml_size(log.rotate.max_size));
  w.field("daily", yaml_bool(log.rotate.daily));
  w.field("keep", std::to_string(log.rotate.keep));
  w.field("compress", yaml_bool(log.rotate.compress));
  w.end();
  w.field("excerpt_bytes", std::to_string(log.excerpt_bytes));
  w.end();
}

}  // namespace

void print_waf(YamlWriter& w, const WafConfig& waf) {
  w.begin("waf");
  w.field("engine", waf.engine == WafEngine::modsecurity ? "modsecurity" : "centinela");
  w.field("profile", waf.profile == WafProfile::crs ? "crs" : "api");
  print_rules(w, waf.rules);
  w.begin("native");
  w.field("sql", yaml_bool(waf.native.sql));
  w.field("xss", yaml_bool(waf.native.xss));
  w.field("shell", yaml_bool(waf.native.shell));
  w.field("path", yaml_bool(waf.native.path));
  w.end();
  w.begin("decode");
  w.field("base64", yaml_bool(waf.decode.base64));
  w.field("hex", yaml_bool(waf.decode.hex));
  w.field("unicode", yaml_bool(waf.decode.unicode));
  w.field("max_depth", std::to_string(waf.decode.max_depth));
  w.end();
  w.field("anomaly_threshold", std::to_string(waf.anomaly_threshold));
  w.field("inspect_body_bytes", yaml_size(waf.inspect_body_bytes));
  w.field("inspect_response", yaml_bool(waf.inspect_response));
  w.begin("pcre");
  w.field("match_limit", std::to_string(waf.pcre.match_limit));
  w.field("depth_limit", std::to_string(waf.pcre.depth_limit));
  w.end();
  w.field("compile_cache", waf.compile_cache.empty() ? "off" : yaml_string(waf.compile_cache));
  print_incident_log(w, waf.incident_log);
  w.end();
}

void print_threat(YamlWriter& w, const ThreatConfig& threat,
                  const std::vector<CidrRange>& rate_limit_allowlist) {
  w.begin("threat");
  w.field("half_life", yaml_duration(threat.half_life));
  w.begin("points");
  w.field("waf", threat.points.waf ? yaml_number(*threat.points.waf) : "score");
  w.field("not_found", yaml_number(threat.points.not_found));
  w.field("auth_failure", yaml_number(threat.points.auth_failure));
  w.field("forbidden", yaml_number(threat.points.forbidden));
  w.field("rate_limited", yaml_number(threat.points.rate_limited));
  w.field("scanner", yaml_number(threat.points.scanner));
  w.end();
  w.begin("ban");
  w.field("score", yaml_number(threat.ban.score));
  std::vector<std::string> durations;
  for (const Duration d : threat.ban.durations) durations.push_back(yaml_duration(d));
  std::string list = "[";
  for (const std::string& d : durations) list += (list.size() > 1 ? ", " : "") + d;
  w.field("durations", list + "]");
  w.field("forget_after", yaml_duration(threat.ban.forget_after));
  w.end();
  // The loader appended rate_limit.allowlist: printed once, there.
  std::vector<CidrRange> own = threat.allowlist;
  if (own.size() >= rate_limit_allowlist.size()) {
    own.resize(own.size() - rate_limit_allowlist.size());
  }
  w.field("allowlist", yaml_cidr_list(own));
  w.field("max_clients", std::to_string(threat.max_clients));
  w.field("shared", threat.shared.empty() ? "local" : yaml_string(threat.shared));
  w.field("scanner_data", yaml_string(threat.scanner_data));
  w.end();
}

}  // namespace centinela::config
