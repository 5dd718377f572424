#include "waf/inspection.h"

#include "waf/scratch.h"
#include "waf/text.h"

namespace centinela::waf {

std::string_view to_string(WafAction action) {
  switch (action) {
    case WafAction::detected:
      return "detected";
    case WafAction::blocked:
      return "blocked";
    case WafAction::pass:
      break;
  }
  return "pass";
}

Inspection::Inspection(std::shared_ptr<const Program> program, WafMode mode,
                       const ViewLimits& limits)
    : program_(std::move(program)), mode_(mode), limits_(limits) {}

bool Inspection::head(const RequestHead& head) {
  view_.remote_addr = view_.keep(head.client_ip);
  view_.unique_id = view_.keep(head.request_id);
  set_request_head(view_, head.method, head.target, head.version, head.headers, limits_);
  const EngineMode mode = mode_ == WafMode::block    ? EngineMode::on
                          : mode_ == WafMode::detect ? EngineMode::detection_only
                                                     : EngineMode::off;
  eval_.emplace(*program_, view_, thread_scratch(*program_->set), mode);
  return eval_->run_phase(1);
}

bool Inspection::wants_body() const {
  if (!eval_ || eval_->disrupted() || phase2_done_) return false;
  const std::string_view length = header_value(view_, "content-length");
  const bool has_body = (!length.empty() && to_number(length) > 0) ||
                        !header_value(view_, "transfer-encoding").empty();
  return has_body && processor_for(header_value(view_, "content-type")) != BodyProcessor::none;
}

void Inspection::body(std::string_view first_bytes, bool complete) {
  if (!eval_ || phase2_done_) return;
  set_request_body(view_, first_bytes, !complete, limits_);
  phase2();
}

void Inspection::no_body() {
  if (!eval_ || phase2_done_) return;
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
  v.body_truncated = view_.body_truncated;
  v.limit_hit = eval_->limit_hit();
  if (eval_->disrupted()) {
    v.deciding_rule = eval_->disruptive_rule();
    v.action = mode_ == WafMode::block ? WafAction::blocked : WafAction::detected;
  }
  return v;
}

}  // namespace centinela::waf
