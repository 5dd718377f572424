// One request's inspection by a route's Program: phase 1 on the head,
// phase 2 on the body's first bytes (or at once for a request without an
// inspectable body), then the verdict — the anomaly score against the
// route's threshold, as CRS's blocking evaluation (949110) decides it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "waf/action.h"
#include "waf/evaluation.h"
#include "waf/program.h"
#include "waf/request_view.h"

namespace centinela::stage {
struct RequestContext;
}

namespace centinela::waf {

struct Verdict {
  WafAction action = WafAction::pass;
  std::int64_t score = 0;      // TX:anomaly_score (inbound, summed over paranoia levels)
  std::int64_t threshold = 0;  // TX:inbound_anomaly_score_threshold
  const std::vector<Finding>* findings = nullptr;
  std::size_t findings_total = 0;
  std::uint32_t deciding_rule = 0;  // the rule whose deny decided (949110)
  bool body_truncated = false;
  bool limit_hit = false;  // a PCRE2 limit cut a match short
};

class Inspection {
 public:
  // The view is built in `arena` (the request's), which must outlive this.
  Inspection(std::shared_ptr<const Program> program, WafMode mode, stage::Arena& arena,
             const ViewLimits& limits = {});
  Inspection(const Inspection&) = delete;
  Inspection& operator=(const Inspection&) = delete;

  // Builds the view and runs phase 1. False when phase 1 already decided
  // to block (block mode).
  bool head(const stage::RequestContext& ctx);
  // The body is worth reading: the request has one and a body processor
  // knows its Content-Type.
  bool wants_body() const;
  // Phase 2 with the body's first bytes (`complete`: the whole body).
  void body(std::string_view first_bytes, bool complete);
  // Phase 2 without a body.
  void no_body();

  // Only before finish(): the findings live in the evaluation.
  Verdict verdict() const;
  const RequestView& view() const { return view_; }
  // The verdict was read: the evaluation's buffers go back to this thread's
  // pool now, not when the request ends (and the view is not read again: its
  // arena may go back too, waf/view_arena.h). A request then waits for its
  // upstream without them, so a worker with many requests in flight reuses a
  // few buffers instead of allocating a set per request past the pool's size.
  void finish() { eval_.reset(); }

 private:
  void phase2();

  std::shared_ptr<const Program> program_;
  WafMode mode_;
  RequestView view_;
  std::optional<Evaluation> eval_;
  bool has_body_ = false;
  bool phase2_done_ = false;
};

}  // namespace centinela::waf
