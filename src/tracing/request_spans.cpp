#include "tracing/request_spans.h"

#include <algorithm>

namespace centinela::tracing {
namespace {

std::uint64_t unix_nanos(WallTime time) {
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  return nanos < 0 ? 0 : static_cast<std::uint64_t>(nanos);
}

template <std::size_t N>
void copy_id(std::array<char, N>& out, std::string_view id) {
  out.fill(0);
  if (id.size() == N) std::copy(id.begin(), id.end(), out.begin());
}

std::uint16_t status_code(unsigned status) {
  return static_cast<std::uint16_t>(std::min(status, 999u));
}

}  // namespace

void fill_span_record(SpanRecord& out, const stage::TraceContext& trace,
                      const observe::AccessLogRecord& record, WallTime end,
                      const std::optional<UpstreamCall>& call) {
  copy_id(out.trace_id, trace.trace_id);
  copy_id(out.span_id, trace.span_id);
  out.parent_id = trace.parent_id;
  out.client_span_id.fill(0);
  out.start_ns = unix_nanos(record.start);
  out.end_ns = std::max(out.start_ns, unix_nanos(end));
  out.client_start_ns = out.client_end_ns = 0;
  if (call) {
    out.client_span_id = trace.upstream_span_id;
    out.client_start_ns = std::clamp(unix_nanos(call->start), out.start_ns, out.end_ns);
    out.client_end_ns = std::clamp(unix_nanos(call->end), out.client_start_ns, out.end_ns);
  }
  out.status = status_code(record.status);
  out.upstream_status = status_code(record.upstream_status);
  out.tls = record.tls;
  out.method.assign(record.method);
  out.protocol.assign(record.protocol.starts_with("HTTP/") ? record.protocol.substr(5)
                                                           : std::string_view());
  out.host.assign(record.host);
  out.path.assign(record.path);
  out.query.assign(record.query);
  out.route.assign(record.route);
  out.client_ip.assign(record.client_ip);
  out.user_agent.assign(record.user_agent);
  out.cache.assign(record.cache);
  out.ratelimit.assign(record.ratelimit);
  out.request_id.assign(record.request_id);
  out.user.assign(record.user);
  out.waf_action.assign(record.waf_action);
  out.threat.assign(record.threat);
  out.upstream.assign(record.upstream);
  out.upstream_address.assign(record.upstream_addr);
  out.error.assign(record.error);
}

}  // namespace centinela::tracing
