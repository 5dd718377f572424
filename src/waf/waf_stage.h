// The WAF stage (after rate limiting, before compression and the cache):
// inspects the request head (phase 1) and, when its Content-Type names a
// body processor (JSON, urlencoded, multipart, XML), the first
// inspect_body_bytes of the body (phase 2). Block mode answers 403 with the
// contract's envelope and an incident id; detect mode records the incident
// and lets the request through. Every request's anomaly score goes to the
// threat hook (the client's threat score).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stage/stage.h"
#include "waf/inspection.h"

namespace centinela::observe {
struct IncidentRecord;
}

namespace centinela::waf {

class RouteWafMetrics;

// Where incidents go; empty: observe::IncidentLog::global().
using IncidentSink = std::function<void(const observe::IncidentRecord&)>;
// Where a request's anomaly score goes when it had findings (the threat
// tracker). Called once per inspected request with a non-zero score.
using ThreatHook = std::function<void(const stage::RequestContext&, int score)>;

struct StageSettings {
  WafMode mode = WafMode::block;
  std::size_t inspect_body_bytes = 64 * 1024;
  std::string route;  // for incidents and metrics
  std::shared_ptr<const Program> program;
  IncidentSink incidents;
  ThreatHook threat;  // empty: no threat scoring
  bool metrics = true;
};

// nullptr for mode off (or no program).
std::unique_ptr<stage::Stage> make_waf_stage(StageSettings settings);

// The score CRS adds for a rule of this severity (critical 5, error 4,
// warning 3, notice 2; 0 for the others).
int severity_score(std::uint8_t severity);
std::string_view severity_name(std::uint8_t severity);  // "CRITICAL"...

}  // namespace centinela::waf
