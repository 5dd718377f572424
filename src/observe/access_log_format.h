// Formatting of access log lines and slow-request warnings; runs on workers,
// appends to a reused buffer, allocates nothing of its own.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "observe/access_log.h"

namespace centinela::observe {

// What formatting needs from the log config, resolved once per (re)load.
struct AccessLogFormat {
  bool enabled = true;
  std::vector<std::string> redact_query_params;  // case-sensitive names
  bool redact_user_agent = false;
  config::SlowRequestConfig slow_request;
};

AccessLogFormat make_access_log_format(const config::LogConfig& cfg);

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Appends `query` JSON-escaped (no quotes), with the value of every parameter
// whose name, raw or percent-decoded, is in `params` replaced by [REDACTED].
void append_redacted_query_json(std::string& out, std::string_view query,
                                const std::vector<std::string>& params);

// Appends one access log line, '\n' included.
void append_access_line(std::string& out, const AccessLogRecord& record,
                        const AccessLogFormat& format);

// Appends one event-log warning line for a slow request, '\n' included.
void append_slow_request_warning(std::string& out, const AccessLogRecord& record, Speed speed,
                                 std::chrono::system_clock::time_point now);

}  // namespace centinela::observe
