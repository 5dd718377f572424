// What is kept of a request once it is answered, however it was answered:
// the route's metrics, the dashboard's live numbers (admin.live_stats), the
// access-log line and the trace spans.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "net/asio_fwd.h"
#include "net/upstream_try.h"

namespace centinela::proxy {
class Route;
class Runtime;
}  // namespace centinela::proxy

namespace centinela::stage {
struct RequestContext;
}  // namespace centinela::stage

namespace centinela::observe {
struct AccessLogRecord;
}  // namespace centinela::observe

namespace centinela::net {

class Worker;

// The status recorded for a request whose client left before any response
// head was sent to it (nginx's "client closed request"); never sent.
inline constexpr unsigned kClientClosedRequest = 499;

// What the access log and the route metrics record of a request, however it
// was answered. Views into the request's slot.
struct RequestOutcome {
  std::string_view method = "-";
  std::string_view path;
  std::string_view query;
  std::string_view host;      // the authority, once the head was accepted
  std::string_view protocol;  // likewise
  unsigned status = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;  // the head, then the body as read
  std::string_view upstream;
  std::string_view cache;
  UpstreamTimings timings;
  // A WebSocket tunnel that was opened: when the 101 went out.
  std::optional<SteadyTime> tunnel_opened;
  UpstreamReport upstream_report;
};

// `route`: null when none matched. `start`, `start_wall`: the request's first byte.
// (A request that became a tunnel is recorded by net/tunnel_record.h.)
void record_request(Worker& worker, const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                    const proxy::Route* route, const RequestOutcome& outcome, SteadyTime start,
                    std::chrono::system_clock::time_point start_wall);

// The parts of record_request: the route's metrics and the dashboard's live
// numbers, `latency_s` from the request's first byte to its answer;
void count_request(const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                   const proxy::Route* route, const RequestOutcome& outcome,
                   std::chrono::system_clock::time_point start_wall, double latency_s);
// and the access-log record (views into ctx, route and outcome).
observe::AccessLogRecord make_log_record(const stage::RequestContext& ctx,
                                         const proxy::Route* route, const RequestOutcome& outcome,
                                         std::chrono::system_clock::time_point start_wall,
                                         double duration_ms);

}  // namespace centinela::net
