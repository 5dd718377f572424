#include "waf/inspection.h"

#include "stage/request_context.h"
#include "waf/scratch.h"
#include "waf/text.h"

namespace centinela::waf {

namespace http = boost::beast::http;

namespace {

// The view's reading of the request as the program's profile and waf.decode
// ask for it.
ViewLimits limits_for(const Program& program, ViewLimits limits) {
  limits.decoding.base64 = program.decode.base64;
  limits.decoding.hex = program.decode.hex;
  limits.decoding.unicode = program.decode.unicode;
  limits.decoding.max_depth = program.decode.max_depth;
  limits.untyped_body_as_form = program.profile == Profile::api;
  return limits;
}

}  // namespace

Inspection::Inspection(std::shared_ptr<const Program> program, WafMode mode, stage::Arena& arena,
                       const ViewLimits& limits)
    : program_(std::move(program)), mode_(mode), view_(arena, limits_for(*program_, limits)) {}

bool Inspection::head(const stage::RequestContext& ctx) {
  view_.add_head(ctx);
  const auto length = ctx.request.find(http::field::content_length);
  has_body_ = (length != ctx.request.end() && to_number(length->value()) > 0) ||
              ctx.request.find(http::field::transfer_encoding) != ctx.request.end();
  const EngineMode mode = mode_ == WafMode::block    ? EngineMode::on
                          : mode_ == WafMode::detect ? EngineMode::detection_only
                                                     : EngineMode::off;
  eval_.emplace(*program_, view_, thread_scratch(*program_->set), mode);
  eval_->set_unique_id(ctx.request_id);
  const bool go_on = eval_->run_phase(1);
  if (go_on && wants_body()) eval_->suspend();
  return go_on;
}

bool Inspection::wants_body() const {
  if (!eval_ || eval_->disrupted() || phase2_done_) return false;
  return has_body_ && view_.body_processor() != BodyProcessor::none;
}

void Inspection::body(std::string_view first_bytes, bool complete) {
  if (!eval_ || phase2_done_) return;
  view_.add_body(first_bytes, complete);
  phase2();
}

void Inspection::no_body() {
  if (!eval_ || phase2_done_) return;
  // ModSecurity's body phase runs for every request (REQBODY_ERROR is set).
  view_.add_body({}, true);
  phase2();
}

void Inspection::phase2() {
  phase2_done_ = true;
  if (eval_->disrupted() && mode_ == WafMode::block) return;
  eval_->run_phase(2);
}

Verdict Inspection::verdict() const {
  Verdict v;
  if (!eval_) return v;
  v.score = eval_->anomaly_score();
  const std::uint32_t slot = program_->set->tx.find("inbound_anomaly_score_threshold");
  v.threshold = slot == kNoSlot ? 0 : to_number(eval_->tx().get(slot));
  v.findings = &eval_->findings();
  v.findings_total = eval_->findings_total();
  v.body_truncated = view_.body_truncated();
  v.limit_hit = eval_->limit_hit();
  if (eval_->disrupted()) {
    v.deciding_rule = eval_->disruptive_rule();
    v.action = mode_ == WafMode::block ? WafAction::blocked : WafAction::detected;
  }
  return v;
}

}  // namespace centinela::waf
