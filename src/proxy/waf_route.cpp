#include "proxy/waf_route.h"

#include "modsec/modsec_engine.h"
#include "threat/client_key.h"
#include "threat/tracker.h"
#include "waf/engine.h"
#include "waf/waf_stage.h"

namespace centinela::proxy {

namespace {

// The ids of the loaded rules in a configured range (exclusions name ranges;
// programs remove ids).
void add_rule_ids(const waf::RuleSet& rules, const config::WafRuleRange& range,
                  std::vector<std::uint32_t>& out) {
  if (range.first == range.last) {
    out.push_back(range.first);
    return;
  }
  for (const waf::Rule& rule : rules.rules) {
    if (range.contains(rule.id)) out.push_back(rule.id);
  }
}

}  // namespace

waf::ProgramOptions program_options(const config::RouteWafConfig& route_waf,
                                    const waf::Engine& engine, const config::WafConfig& waf) {
  waf::ProgramOptions options;
  options.profile = waf.profile == config::WafProfile::api ? waf::Profile::api : waf::Profile::crs;
  options.native = static_cast<waf::NativeSet>(
      (waf.native.sql ? waf::kNativeSql : 0) | (waf.native.xss ? waf::kNativeXss : 0) |
      (waf.native.shell ? waf::kNativeShell : 0) | (waf.native.path ? waf::kNativePath : 0));
  options.decode.base64 = waf.decode.base64;
  options.decode.hex = waf.decode.hex;
  options.decode.unicode = waf.decode.unicode;
  options.decode.max_depth = waf.decode.max_depth;
  options.paranoia = static_cast<int>(route_waf.paranoia);
  options.anomaly_threshold = static_cast<int>(route_waf.anomaly_threshold);
  for (const config::WafExclusion& e : route_waf.exclusions) {
    waf::RouteExclusion& x = options.exclusions.emplace_back();
    for (const config::WafRuleRange& range : e.rules) add_rule_ids(engine.rules(), range, x.rules);
    if (!e.tag.empty()) x.tags.push_back(e.tag);
    x.args = e.args;
    x.headers = e.headers;
    x.cookies = e.cookies;
  }
  return options;
}

std::unique_ptr<stage::Stage> make_route_waf_stage(const config::Config& config,
                                                   const config::RouteConfig& route,
                                                   waf::Engine* engine,
                                                   const modsec::Engine* modsec) {
  if (route.waf.mode == config::WafMode::off) return nullptr;
  waf::ThreatHook threat;
  if (config.threat && route.threat && route.waf.threat) {
    // The one place findings reach the client's threat score: the IP's and,
    // when identity knows one, the user's.
    threat = [](const stage::RequestContext& ctx, int score) {
      threat::Tracker& tracker = threat::Tracker::global();
      tracker.add(threat::ClientKey::ip(ctx.client_ip), threat::Signal::waf, score);
      if (!ctx.user.empty()) {
        tracker.add(threat::ClientKey::user(ctx.user), threat::Signal::waf, score);
      }
    };
  }
  if (modsec != nullptr) {
    waf::OutcomeSettings outcome;
    outcome.mode = route.waf.mode;
    outcome.route = route.name;
    outcome.paranoia = route.waf.paranoia;
    outcome.threat = std::move(threat);
    return modsec->make_stage(route.waf, std::move(outcome));
  }
  if (engine == nullptr) return nullptr;
  waf::StageSettings settings;
  settings.mode = route.waf.mode;
  settings.inspect_body_bytes = route.waf.inspect_body_bytes;
  settings.route = route.name;
  settings.program = engine->program(program_options(route.waf, *engine, config.waf));
  settings.threat = std::move(threat);
  return waf::make_waf_stage(std::move(settings));
}

}  // namespace centinela::proxy
