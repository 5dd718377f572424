// One OTLP/HTTP export: a POST of a JSON body to the collector, on the
// exporter's thread, with blocking sockets bounded by one deadline (connect,
// write and the answer's head together). A connection per export, closed
// after the answer's status line: exports come a few times a second at most.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::tracing {

enum class PostResult { ok, connect_failed, timeout, http_error, io_error };

struct PostOutcome {
  PostResult result = PostResult::io_error;
  unsigned status = 0;  // the collector's status, when it answered
};

// The label of a failed export's reason in the metrics.
std::string_view failure_reason(PostResult result);

PostOutcome post_json(const config::OtlpCollector& collector, std::string_view path,
                      const std::vector<config::OtlpHeader>& headers, std::string_view body,
                      std::chrono::steady_clock::time_point deadline);

}  // namespace centinela::tracing
