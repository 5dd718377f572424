// What is kept of a request that became a WebSocket tunnel: its slot (the
// buffers, parser, context and arena) goes back to the worker's pool at the
// 101, but its access-log line is written when the tunnel closes, with the
// tunnel's bytes each way. So the line's fields and the trace are copied
// here, once, at the 101.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "net/asio_fwd.h"
#include "net/tunnel.h"
#include "net/upstream_try.h"
#include "observe/access_log.h"
#include "stage/request_context.h"

namespace centinela::proxy {
class Route;
class Runtime;
}  // namespace centinela::proxy

namespace centinela::net {

class Worker;
struct RequestOutcome;

class TunnelRecord {
 public:
  // At the 101: the request is counted (route metrics, live numbers: a
  // tunnel's lifetime is not a request's latency, they get its handshake)
  // and its log record kept. `outcome.tunnel_opened` is set.
  TunnelRecord(const proxy::Runtime& runtime, const stage::RequestContext& ctx,
               const proxy::Route& route, const RequestOutcome& outcome, SteadyTime start,
               std::chrono::system_clock::time_point start_wall);
  TunnelRecord(const TunnelRecord&) = delete;
  TunnelRecord& operator=(const TunnelRecord&) = delete;

  // When the tunnel closed: the access-log line (duration_ms the whole
  // tunnel's, handshake_ms to the 101) and the trace's spans.
  void write(Worker& worker, const TunnelTotals& totals);

 private:
  void own_text();

  observe::AccessLogRecord record_;
  std::string text_;  // what record_'s views show
  std::vector<observe::OriginTiming> origin_timing_;
  stage::TraceContext trace_;
  UpstreamTimings timings_;
  SteadyTime start_;
};

}  // namespace centinela::net
