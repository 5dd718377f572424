// A traced request's spans as one record: the SERVER span (the gateway's,
// under the client's span if it sent one) and the CLIENT span of the upstream
// call (under the SERVER span; the origin's spans hang under it, since its id
// is the parent-id the upstream got). Filled from the access log's record of
// the request, on the worker, without allocating.
#pragma once

#include <chrono>
#include <optional>

#include "observe/access_log.h"
#include "stage/request_context.h"
#include "tracing/span_record.h"

namespace centinela::tracing {

using WallTime = std::chrono::system_clock::time_point;

// When the upstream was called (the first try's start to the last one's end).
struct UpstreamCall {
  WallTime start;
  WallTime end;
};

// 1, or 2 with an upstream call: what the request adds to the queue.
inline unsigned span_count(const std::optional<UpstreamCall>& call) { return call ? 2 : 1; }

void fill_span_record(SpanRecord& out, const stage::TraceContext& trace,
                      const observe::AccessLogRecord& record, WallTime end,
                      const std::optional<UpstreamCall>& call);

}  // namespace centinela::tracing
