// Formatting an access-log line runs on the worker for every request: into a
// buffer with room, no format allocates. Counts this thread's allocations
// with a replacement of the global operator new for the unit_observe binary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>

#include "observe/access_log_format.h"

namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace centinela::observe {
namespace {

AccessLogRecord busy_record() {
  AccessLogRecord r;
  r.start = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795439805123));
  r.request_id = "req-1";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.span_id = "00f067aa0ba902b7";
  r.client_ip = "203.0.113.7";
  r.user = "alice";
  r.method = "GET";
  r.path = "/api/items";
  r.query = "page=2&token=s3cret";
  r.host = "api.example:8443";
  r.protocol = "HTTP/1.1";
  r.referer = "https://app.example/?token=x";
  r.route = "api";
  r.upstream = "api";
  r.upstream_addr = "10.0.0.7:9000";
  r.upstream_status = 503;
  r.error = "upstream_reset";
  r.cache = "MISS";
  r.ratelimit = "allowed";
  r.user_agent = "curl/8.0";
  r.waf_action = "pass";
  r.waf_score = 3;
  r.status = 502;
  r.bytes_sent = 1234;
  r.bytes_received = 210;
  r.duration_ms = 12.5;
  r.upstream_ms = 10.25;
  return r;
}

std::size_t allocations_formatting(config::AccessLogSchema schema) {
  config::LogConfig cfg;
  cfg.access.format = schema;
  cfg.redact.query_params = {"token"};
  const AccessLogFormat format = make_access_log_format(cfg);
  const AccessLogRecord record = busy_record();
  std::string buffer;
  buffer.reserve(256 * 1024);
  append_access_line(buffer, record, format);  // warms anything lazily made
  buffer.clear();
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) append_access_line(buffer, record, format);
  g_counting = false;
  EXPECT_GT(buffer.size(), 100u * 300u);
  return g_allocations;
}

TEST(AccessLogAllocations, NoFormatAllocatesIntoABufferWithRoom) {
  EXPECT_EQ(allocations_formatting(config::AccessLogSchema::centinela), 0u);
  EXPECT_EQ(allocations_formatting(config::AccessLogSchema::ecs), 0u);
  EXPECT_EQ(allocations_formatting(config::AccessLogSchema::otel), 0u);
}

}  // namespace
}  // namespace centinela::observe
