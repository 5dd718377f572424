// The OTLP/HTTP JSON encoding of an ExportTraceServiceRequest
// (opentelemetry-proto, JSON mapping): one resource (service.name), one scope,
// the spans; ids as lower-case hex, times as decimal strings of unix
// nanoseconds, kind 2 (SERVER) / 3 (CLIENT), int attributes as strings (the
// proto3 JSON form of int64). Attribute names follow the HTTP semantic
// conventions, as the access log's `otel` format does; the query and the
// User-Agent are redacted as the access log redacts them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "observe/access_log_format.h"
#include "tracing/span_record.h"

namespace centinela::tracing {

class OtlpJsonEncoder {
 public:
  // Starts a request in `out` (cleared), for spans of `service_name`.
  void begin(std::string& out, std::string_view service_name);
  // The request's SERVER span and, if it called an upstream, its CLIENT span.
  void add(std::string& out, const SpanRecord& record, const observe::AccessLogFormat& redaction);
  // Closes the request.
  void end(std::string& out);
  std::size_t spans() const { return spans_; }

 private:
  std::size_t spans_ = 0;
};

}  // namespace centinela::tracing
