#include "waf/waf_stage.h"

#include <chrono>
#include <optional>
#include <vector>

#include "decode/deep_decode.h"
#include "observe/incident_id.h"
#include "observe/incident_log.h"
#include "stage/local_response.h"
#include "stage/request_context.h"
#include "waf/builtin_rules.h"
#include "waf/waf_metrics.h"

namespace centinela::waf {

namespace {

constexpr std::string_view kBlockedMessage = "request blocked by the web application firewall";

// A request's inspection and the id of its incident, in the request's arena.
struct WafState {
  WafState(std::shared_ptr<const Program> program, WafMode mode, stage::Arena& arena)
      : inspection(std::move(program), mode, arena) {}
  Inspection inspection;
  observe::IncidentId incident;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class WafStage final : public stage::Stage {
 public:
  explicit WafStage(StageSettings settings) : settings_(std::move(settings)) {
    if (settings_.metrics) metrics_.emplace(settings_.route, settings_.mode);
  }
  std::string_view name() const override { return "waf"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    auto& state = ctx.make_state<WafState>(slot(), settings_.program, settings_.mode, ctx.arena);
    if (metrics_) metrics_->count_request();
    if (!state.inspection.head(ctx)) return decide(ctx, state);
    if (state.inspection.wants_body()) {
      return stage::RequestVerdict::buffer_body(settings_.inspect_body_bytes);
    }
    state.inspection.no_body();
    return decide(ctx, state);
  }

  stage::RequestVerdict on_request_body(stage::RequestContext& ctx, std::string_view body,
                                        bool complete) override {
    WafState* state = ctx.state<WafState>(slot());
    if (state == nullptr) return stage::RequestVerdict::proceed();
    state->inspection.body(body, complete);
    return decide(ctx, *state);
  }

 private:
  stage::RequestVerdict decide(stage::RequestContext& ctx, WafState& state) {
    const Verdict verdict = state.inspection.verdict();
    ctx.waf_score = static_cast<int>(verdict.score);
    ctx.waf_action = to_string(verdict.action);
    if (metrics_) {
      for (const Finding& f : *verdict.findings) metrics_->count_finding(group_of_rule(f.rule));
      metrics_->count_action(verdict.action);
      metrics_->observe_inspection(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - state.started).count());
    }
    // The one place findings reach the client's threat score: only a request
    // the route counts as an attack (score at its threshold). Below it the
    // findings are benign by the route's own definition, and some fire on
    // every request of a client (920350, a Host that is an IP address): they
    // would ban a well-behaved client over time.
    if (settings_.threat && verdict.action != WafAction::pass) settings_.threat(ctx, ctx.waf_score);
    if (verdict.action == WafAction::pass) return stage::RequestVerdict::proceed();
    state.incident = observe::new_incident_id();
    ctx.incident_id = state.incident.view();
    record(ctx, verdict);
    if (verdict.action != WafAction::blocked) return stage::RequestVerdict::proceed();
    return stage::RequestVerdict::respond(
        stage::make_error_response(403, kBlockedMessage, ctx.request_id, ctx.incident_id));
  }

  void record(const stage::RequestContext& ctx, const Verdict& verdict) const {
    const RuleSet& set = *settings_.program->set;
    std::vector<std::vector<std::string_view>> tags;
    std::vector<observe::IncidentFinding> findings;
    std::vector<std::string> decoded;  // decode::describe of each finding's view
    tags.reserve(observe::kListedFindings);
    decoded.reserve(observe::kListedFindings);
    for (const Finding& f : *verdict.findings) {
      if (findings.size() == observe::kListedFindings) break;
      auto& names = tags.emplace_back();
      const std::string& how =
          decoded.emplace_back(f.decoded != 0 ? decode::describe(f.decoded) : std::string());
      for (std::uint16_t t : settings_.program->rules[f.index].tags) names.push_back(set.tags[t]);
      const bool ours = f.rule >= kFirstNativeRule || is_builtin_rule(f.rule);
      findings.push_back({f.rule, ours ? "centinela" : "crs", f.msg, names,
                          severity_name(f.severity), severity_score(f.severity), f.target, f.value,
                          how});
    }
    observe::IncidentRecord record;
    record.ts = std::chrono::system_clock::now();
    record.incident_id = ctx.incident_id;
    record.request_id = ctx.request_id;
    record.client_ip = ctx.client_ip;
    record.user = ctx.user;
    record.route = settings_.route;
    record.method = ctx.request.method_string();
    record.path = ctx.path;
    record.action = to_string(verdict.action);
    record.mode = to_string(settings_.mode);
    record.score = static_cast<int>(verdict.score);
    record.threshold = static_cast<int>(verdict.threshold);
    record.paranoia = static_cast<unsigned>(settings_.program->paranoia);
    record.findings = findings;
    record.findings_total = verdict.findings_total;
    if (settings_.incidents) {
      settings_.incidents(record);
    } else {
      observe::IncidentLog::global().record(record);
    }
  }

  StageSettings settings_;
  std::optional<RouteWafMetrics> metrics_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_waf_stage(StageSettings settings) {
  if (settings.mode == WafMode::off || !settings.program) return nullptr;
  return std::make_unique<WafStage>(std::move(settings));
}

int severity_score(std::uint8_t severity) {
  switch (severity) {
    case 2:
      return 5;
    case 3:
      return 4;
    case 4:
      return 3;
    case 5:
      return 2;
    default:
      return 0;
  }
}

std::string_view severity_name(std::uint8_t severity) {
  static constexpr std::string_view kNames[] = {"EMERGENCY", "ALERT",  "CRITICAL", "ERROR",
                                                "WARNING",   "NOTICE", "INFO",     "DEBUG"};
  return severity < 8 ? kNames[severity] : "";
}

}  // namespace centinela::waf
