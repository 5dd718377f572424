// The `log` section (access log, slow requests, redaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/common_types.h"

namespace centinela::config {

struct RotateConfig {
  std::uint64_t max_size = 0;  // 0: no size rotation
  bool daily = false;
  unsigned keep = 7;
  bool compress = false;
};

// `log.access.format`: the field names of access-log lines — centinela's
// own, Elastic Common Schema, or OpenTelemetry's log record and semantic
// conventions.
enum class AccessLogSchema { centinela, ecs, otel };

struct AccessLogConfig {
  bool enabled = true;
  std::string path = "stdout";  // "stdout", "stderr", "off" or a file path
  RotateConfig rotate;
  AccessLogSchema format = AccessLogSchema::centinela;
};

struct SlowRequestConfig {
  Duration normal = std::chrono::milliseconds(100);
  Duration slow = std::chrono::milliseconds(500);
  Duration very_slow = std::chrono::seconds(3);
};

struct RedactConfig {
  std::vector<std::string> query_params;  // compared case-sensitively
  std::vector<std::string> headers;       // lower-case
};

struct LogConfig {
  AccessLogConfig access;
  SlowRequestConfig slow_request;
  RedactConfig redact;
  std::string level = "info";  // error log level: debug, info, warn, error
};

}  // namespace centinela::config
