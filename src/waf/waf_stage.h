// The WAF stage (after rate limiting, before compression and the cache):
// inspects the request head (phase 1) and, when its Content-Type names a
// body processor (JSON, urlencoded, multipart, XML), the first
// inspect_body_bytes of the body (phase 2). Block mode answers 403 with the
// contract's envelope and an incident id; detect mode records the incident
// and lets the request through. Every finding's score goes to the threat
// hook (the client's threat score).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stage/stage.h"
#include "waf/inspection.h"

namespace centinela::waf {

// What an incident record holds (the incident log writes it as a line).
struct Incident {
  std::string_view incident_id, request_id, client_ip, user, route, method, path;
  WafMode mode = WafMode::detect;
  int paranoia = 1;
  const Verdict* verdict = nullptr;
};

using IncidentSink = std::function<void(const Incident&)>;
// Where a request's anomaly score goes when it had findings (the threat
// tracker). Called once per inspected request with a non-zero score.
using ThreatHook = std::function<void(const stage::RequestContext&, std::int64_t score)>;

struct StageSettings {
  WafMode mode = WafMode::block;
  std::size_t inspect_body_bytes = 64 * 1024;
  std::string route;  // for incidents
  std::shared_ptr<const Program> program;
  IncidentSink incidents;  // empty: incidents go to the event log
  ThreatHook threat;       // empty: no threat scoring
};

// nullptr for mode off (or no program).
std::unique_ptr<stage::Stage> make_waf_stage(StageSettings settings);

// A new incident id: 26 characters of Crockford base32, time-ordered (the
// first ten encode the milliseconds since the epoch, the rest are random).
std::string new_incident_id();

// The incident as one JSON object (no newline): the incident log's line.
std::string incident_json(const Incident& incident, std::size_t max_findings = 8);

}  // namespace centinela::waf
