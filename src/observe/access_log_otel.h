// The access log as OpenTelemetry log records (log.access.format: otel): the
// log data model's top-level fields (timestamp, severity_text,
// severity_number, body, trace_id, span_id, attributes, resource) with the
// HTTP semantic conventions' attribute names (http.request.method,
// url.path, client.address, ...) as flat dotted keys, the shape the
// Collector's filelog receiver parses; centinela's own attributes are named
// `centinela.*`. Absent values are left out.
#pragma once

#include <string>

#include "observe/access_log.h"
#include "observe/access_log_format.h"

namespace centinela::observe {

// Appends one OpenTelemetry access-log line, '\n' included.
void append_otel_line(std::string& out, const AccessLogRecord& record,
                      const AccessLogFormat& format);

}  // namespace centinela::observe
