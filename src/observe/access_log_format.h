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
  config::AccessLogSchema schema = config::AccessLogSchema::centinela;
  std::vector<std::string> redact_query_params;  // case-sensitive names
  bool redact_user_agent = false;
  bool redact_referer = false;  // else only its query is redacted
  config::SlowRequestConfig slow_request;
};

AccessLogFormat make_access_log_format(const config::LogConfig& cfg);

inline constexpr std::string_view kRedacted = "[REDACTED]";

// Appends `query` JSON-escaped (no quotes), with the value of every parameter
// whose name, raw or percent-decoded, is in `params` replaced by [REDACTED].
void append_redacted_query_json(std::string& out, std::string_view query,
                                const std::vector<std::string>& params);

// Appends `referer` JSON-escaped (no quotes): [REDACTED] when the format
// redacts the field, else with its query redacted as the request's is.
void append_redacted_referer_json(std::string& out, std::string_view referer,
                                  const AccessLogFormat& format);

// The user agent as logged: [REDACTED] when the format says so.
std::string_view logged_user_agent(const AccessLogRecord& record, const AccessLogFormat& format);

// An authority split for formats that name host and port apart
// ("[::1]:8080" → "::1", 8080; port 0: none given).
struct HostAndPort {
  std::string_view host;
  unsigned port = 0;
};
HostAndPort split_authority(std::string_view authority);

// "1.1" of "HTTP/1.1"; empty when unknown.
std::string_view protocol_version(std::string_view protocol);

// Appends one access log line in the format's schema, '\n' included.
void append_access_line(std::string& out, const AccessLogRecord& record,
                        const AccessLogFormat& format);

// Appends one event-log warning line for a slow request, '\n' included.
void append_slow_request_warning(std::string& out, const AccessLogRecord& record, Speed speed,
                                 std::chrono::system_clock::time_point now);

}  // namespace centinela::observe
