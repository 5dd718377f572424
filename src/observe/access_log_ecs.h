// The access log in Elastic Common Schema (log.access.format: ecs): nested
// objects with ECS field names (@timestamp, http.request.method, url.path,
// event.duration in nanoseconds, ...), which Filebeat's ndjson input and
// Elasticsearch ingest map as they are; centinela's own fields go under
// `centinela`. Absent values are left out, as ECS loggers do.
#pragma once

#include <string>

#include "observe/access_log.h"
#include "observe/access_log_format.h"

namespace centinela::observe {

// The ECS version the field names follow (the line's ecs.version).
inline constexpr std::string_view kEcsVersion = "8.11.0";

// Appends one ECS access-log line, '\n' included.
void append_ecs_line(std::string& out, const AccessLogRecord& record,
                     const AccessLogFormat& format);

}  // namespace centinela::observe
