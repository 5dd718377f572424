// What a route's WAF does with an inspected request, whichever engine
// inspected it (centinela's own or libmodsecurity): the action from the
// anomaly score against the route's threshold and its mode, the incident
// record, the metrics and the client's threat points. Both engines' stages
// end in Outcome::decide, so they answer, record and score identically.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stage/stage.h"
#include "waf/action.h"
#include "waf/waf_metrics.h"

namespace centinela::observe {
struct IncidentRecord;
struct IncidentId;
}  // namespace centinela::observe

namespace centinela::waf {

// Where incidents go; empty: observe::IncidentLog::global().
using IncidentSink = std::function<void(const observe::IncidentRecord&)>;
// Where a request's anomaly score goes when it had findings (the threat
// tracker). Called once per inspected request with a non-zero score.
using ThreatHook = std::function<void(const stage::RequestContext&, int score)>;

// One finding as an engine reports it; the views need only live while
// Outcome::decide runs.
struct FindingView {
  std::uint32_t rule = 0;
  std::string_view msg;
  std::span<const std::string_view> tags;
  std::uint8_t severity = 0xFF;  // 0 EMERGENCY .. 7 DEBUG; 0xFF none
  std::string_view target;       // "ARGS:q"
  std::string_view excerpt;      // the matched value (bounded by the incident log)
  std::string_view decoded;      // the deep decoders that revealed it ("base64"), if any
};

// An engine's findings of one request, read only when they are counted or
// recorded (no copies on a passing request).
class FindingList {
 public:
  virtual ~FindingList() = default;
  virtual std::size_t size() const = 0;
  virtual std::uint32_t rule(std::size_t i) const = 0;
  // The finding's tags go to `tags` (kept by the caller while it records).
  virtual FindingView at(std::size_t i, std::vector<std::string_view>& tags) const = 0;
};

// What an engine found in one request.
struct Assessment {
  std::int64_t score = 0;      // the inbound anomaly score
  std::int64_t threshold = 0;  // the route's; 0: only `disrupted` decides
  // A disruptive rule of the engine's own fired (CRS's 949110 at the
  // threshold, or a rule file's own deny).
  bool disrupted = false;
  const FindingList* findings = nullptr;
  std::size_t findings_total = 0;  // may exceed findings->size()
  std::chrono::steady_clock::time_point started;
};

struct OutcomeSettings {
  WafMode mode = WafMode::block;
  std::string route;  // for incidents and metrics
  unsigned paranoia = 1;
  IncidentSink incidents;
  ThreatHook threat;  // empty: no threat scoring
  bool metrics = true;
};

class Outcome {
 public:
  explicit Outcome(OutcomeSettings settings);

  WafMode mode() const { return settings_.mode; }
  void count_request() const;

  // The action for `assessment`: ctx's WAF fields set, the incident
  // recorded (its id kept in `incident`, which must outlive the request's
  // use of ctx.incident_id), metrics counted, threat points added; a
  // blocked request is answered with the contract's 403 and the incident id.
  stage::RequestVerdict decide(stage::RequestContext& ctx, const Assessment& assessment,
                               observe::IncidentId& incident) const;

  // pass, detected or blocked, by the mode.
  WafAction action_for(const Assessment& assessment) const;

 private:
  void record(const stage::RequestContext& ctx, const Assessment& assessment,
              WafAction action) const;

  OutcomeSettings settings_;
  std::optional<RouteWafMetrics> metrics_;
};

// The score CRS adds for a rule of this severity (critical 5, error 4,
// warning 3, notice 2; 0 for the others).
int severity_score(std::uint8_t severity);
std::string_view severity_name(std::uint8_t severity);  // "CRITICAL"...

}  // namespace centinela::waf
