// Which requests are traced: parent-based over a trace-id ratio. A client
// whose traceparent says "sampled" is always followed; any other request is
// traced when its trace id falls under `sample_ratio`, decided from the id
// alone (as OpenTelemetry's TraceIdRatioBased), so every service sampling a
// trace by ratio agrees on it.
#pragma once

#include <optional>
#include <string_view>

#include "config/config.h"
#include "stage/request_context.h"

namespace centinela::tracing {

// The trace id's last 14 hex digits (56 bits, random in W3C Trace Context
// level 2) against the threshold of `ratio`: sampled when the value is at
// least (1 - ratio) * 2^56, the rejection threshold of OpenTelemetry's
// consistent probability sampling. 0 never, 1 always; a malformed id never.
bool ratio_samples(std::string_view trace_id, double ratio) noexcept;

// After the trace context was continued or started: without `tracing`
// nothing changes. With it, the sampled flag is set or cleared by the
// decision, and a traced request gets the id of its upstream CLIENT span.
void decide_sampling(stage::TraceContext& trace,
                     const std::optional<config::TracingConfig>& tracing) noexcept;

}  // namespace centinela::tracing
