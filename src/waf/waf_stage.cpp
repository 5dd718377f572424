#include "waf/waf_stage.h"

#include <chrono>
#include <deque>
#include <string>

#include "decode/deep_decode.h"
#include "observe/incident_id.h"
#include "stage/request_context.h"
#include "waf/view_arena.h"

namespace centinela::waf {

namespace {

// A request's inspection and the id of its incident, in the request's arena;
// the inspection's view in an arena of its own, given back with the verdict.
struct WafState {
  WafState(std::shared_ptr<const Program> program, WafMode mode)
      : view_arena(acquire_view_arena()), inspection(std::move(program), mode, *view_arena) {}
  ViewArena view_arena;  // before the inspection: it outlives the view
  Inspection inspection;
  observe::IncidentId incident;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The evaluation's findings as the outcome reads them (tags from the program).
class ProgramFindings final : public FindingList {
 public:
  ProgramFindings(const Program& program, const std::vector<Finding>& findings)
      : program_(program), findings_(findings) {}
  std::size_t size() const override { return findings_.size(); }
  std::uint32_t rule(std::size_t i) const override { return findings_[i].rule; }
  FindingView at(std::size_t i, std::vector<std::string_view>& tags) const override {
    const Finding& f = findings_[i];
    for (std::uint16_t t : program_.rules[f.index].tags) tags.push_back(program_.set->tags[t]);
    std::string_view how;
    if (f.decoded != 0) how = decoded_.emplace_back(decode::describe(f.decoded));
    return {f.rule, f.msg, tags, f.severity, f.target, f.value, how};
  }

 private:
  const Program& program_;
  const std::vector<Finding>& findings_;
  // What revealed each finding that a deep decoder revealed; a deque, so the
  // views handed out stay valid while more are added.
  mutable std::deque<std::string> decoded_;
};

OutcomeSettings outcome_settings(const StageSettings& settings) {
  OutcomeSettings out;
  out.mode = settings.mode;
  out.route = settings.route;
  out.paranoia = static_cast<unsigned>(settings.program->paranoia);
  out.incidents = settings.incidents;
  out.threat = settings.threat;
  out.metrics = settings.metrics;
  return out;
}

class WafStage final : public stage::Stage {
 public:
  explicit WafStage(StageSettings settings)
      : settings_(std::move(settings)), outcome_(outcome_settings(settings_)) {}
  std::string_view name() const override { return "waf"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    auto& state = ctx.make_state<WafState>(slot(), settings_.program, settings_.mode);
    outcome_.count_request();
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
    static const std::vector<Finding> kNone;
    const ProgramFindings findings(*settings_.program,
                                   verdict.findings != nullptr ? *verdict.findings : kNone);
    Assessment assessment;
    assessment.score = verdict.score;
    assessment.threshold = verdict.threshold;
    assessment.disrupted = verdict.action != WafAction::pass;
    assessment.findings = &findings;
    assessment.findings_total = verdict.findings_total;
    assessment.started = state.started;
    const stage::RequestVerdict decided = outcome_.decide(ctx, assessment, state.incident);
    // Nothing reads the evaluation after its verdict (the incident and the
    // 403 are copies), and the request may now wait long for its upstream.
    state.inspection.finish();
    state.view_arena.reset();
    return decided;
  }

  StageSettings settings_;
  Outcome outcome_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_waf_stage(StageSettings settings) {
  if (settings.mode == WafMode::off || !settings.program) return nullptr;
  return std::make_unique<WafStage>(std::move(settings));
}

}  // namespace centinela::waf
