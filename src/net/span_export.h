// A traced request's spans handed to the exporter (src/tracing/) when the
// request is recorded: the upstream call's times come from the upstream
// client's steady clock, placed on the wall clock by the request's start.
#pragma once

#include "net/asio_fwd.h"
#include "net/upstream_try.h"
#include "observe/access_log.h"
#include "stage/request_context.h"

namespace centinela::net {

class Worker;

// Does nothing unless the request is traced and the gateway has an exporter.
void export_spans(Worker& worker, const stage::TraceContext& trace,
                  const observe::AccessLogRecord& record, const UpstreamTimings& upstream,
                  SteadyTime start, SteadyTime end);

}  // namespace centinela::net
