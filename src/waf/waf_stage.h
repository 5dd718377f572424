// The WAF stage (after rate limiting, before compression and the cache):
// inspects the request head (phase 1) and, when its Content-Type names a
// body processor (JSON, urlencoded, multipart, XML), the first
// inspect_body_bytes of the body (phase 2). Block mode answers 403 with the
// contract's envelope and an incident id; detect mode records the incident
// and lets the request through; a detected or blocked request's anomaly
// score goes to the threat hook (the client's threat score). What follows
// the verdict is waf::Outcome's, shared with the modsecurity engine.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stage/stage.h"
#include "waf/inspection.h"
#include "waf/waf_outcome.h"

namespace centinela::waf {

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

}  // namespace centinela::waf
