#include "net/request_record.h"

#include <tuple>

#include "net/span_export.h"
#include "net/worker.h"
#include "observe/access_log.h"
#include "observe/live_stats.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"
#include "stage/request_context.h"

namespace centinela::net {

observe::AccessLogRecord make_log_record(const stage::RequestContext& ctx,
                                         const proxy::Route* route, const RequestOutcome& outcome,
                                         std::chrono::system_clock::time_point start_wall,
                                         double duration_ms) {
  observe::AccessLogRecord record;
  record.start = start_wall;
  record.request_id = ctx.request_id;
  record.trace_id = ctx.trace.trace_id;
  record.client_ip = ctx.client_ip;
  record.user = ctx.user;
  record.method = outcome.method;
  record.path = outcome.path;
  record.query = outcome.query;
  record.ratelimit = ctx.ratelimit;
  record.threat = ctx.threat;
  record.route = route != nullptr ? std::string_view(route->name()) : "";
  record.upstream = outcome.upstream;
  record.cache = outcome.cache;
  auto ua = ctx.request.find(http::field::user_agent);
  if (ua != ctx.request.end()) record.user_agent = ua->value();
  auto referer = ctx.request.find(http::field::referer);
  if (referer != ctx.request.end()) record.referer = referer->value();
  record.host = outcome.host;
  record.protocol = outcome.protocol;
  record.tls = ctx.tls;
  std::tie(record.tls_version, record.tls_cipher, record.tls_sni) =
      std::tie(ctx.tls_version, ctx.tls_cipher, ctx.tls_sni);
  record.span_id = ctx.trace.span_id;
  if (const proxy::UpstreamServer* server = outcome.upstream_report.server) {
    record.upstream_addr = server->address_text;
  }
  record.upstream_status = outcome.upstream_report.status;
  record.error = outcome.upstream_report.error;
  record.status = outcome.status;
  record.bytes_sent = outcome.bytes_sent;
  record.bytes_received = outcome.bytes_received;
  record.duration_ms = duration_ms;
  record.upstream_ms = outcome.timings.total_ms;
  record.upstream_connect_ms = outcome.timings.connect_ms;
  record.upstream_response_ms = outcome.timings.response_ms;
  record.origin_timing = ctx.origin_timing;
  record.waf_score = ctx.waf_score;
  record.waf_action = ctx.waf_action;
  record.incident_id = ctx.incident_id;
  return record;
}

namespace {

// The dashboard's per-second counts, and the request when it was slow.
void count_live(const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                const proxy::Route* route, const RequestOutcome& outcome,
                std::chrono::system_clock::time_point start_wall, double duration_s) {
  using observe::LiveCount;
  observe::LiveStats& live = observe::LiveStats::global();
  observe::LiveSeries& series = live.series();
  const bool hit = outcome.cache == "HIT" || outcome.cache == "STALE";
  if (!runtime.live_stats()) {
    // Off (admin.live_stats: false, or no admin listener to show them): no
    // per-second cells and no slow-request ring, only the Prometheus
    // counters that have no other source.
    series.add_twin_only(LiveCount::bytes_sent, outcome.bytes_sent);
    if (hit) series.add_twin_only(LiveCount::offloaded_bytes, outcome.bytes_sent);
    return;
  }
  series.add(LiveCount::requests);
  if (outcome.status >= 500) series.add(LiveCount::errors_5xx);
  if (outcome.status >= 400 && outcome.status < 500) series.add(LiveCount::errors_4xx);
  series.add(LiveCount::bytes_sent, outcome.bytes_sent);
  if (hit) {
    series.add(LiveCount::cache_hits);
    series.add(LiveCount::offloaded_requests);
    series.add(LiveCount::offloaded_bytes, outcome.bytes_sent);
  } else if (outcome.cache == "MISS") {
    series.add(LiveCount::cache_misses);
  }
  if (outcome.status == 429 && ctx.ratelimit.starts_with("limited")) {
    series.add(LiveCount::rate_limited);
  }
  if (ctx.waf_action == "blocked") series.add(LiveCount::waf_blocked);
  if (duration_s < std::chrono::duration<double>(runtime.config().log.slow_request.slow).count()) {
    return;
  }
  const auto unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(start_wall.time_since_epoch()).count();
  live.slow_requests().record(observe::make_slow_request(
      unix_ms, ctx.request_id, route != nullptr ? std::string_view(route->name()) : "",
      outcome.method, outcome.path, outcome.status, duration_s * 1000.0, outcome.timings.connect_ms,
      outcome.timings.response_ms, outcome.timings.total_ms, ctx.origin_timing));
}

}  // namespace

void count_request(const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                   const proxy::Route* route, const RequestOutcome& outcome,
                   std::chrono::system_clock::time_point start_wall, double latency_s) {
  count_live(runtime, ctx, route, outcome, start_wall, latency_s);
  if (route != nullptr) {
    route->metrics().record(outcome.method, outcome.status, latency_s);
  } else {
    runtime.unmatched_metrics().record(outcome.method, outcome.status, latency_s);
  }
}

void record_request(Worker& worker, const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                    const proxy::Route* route, const RequestOutcome& outcome, SteadyTime start,
                    std::chrono::system_clock::time_point start_wall) {
  const SteadyTime now = SteadyClock::now();
  const double duration_s = std::chrono::duration<double>(now - start).count();
  count_request(runtime, ctx, route, outcome, start_wall, duration_s);
  // The record is ~800 instructions of copies and lookups: built only for
  // an access line or a span.
  observe::AccessLog* log = worker.shared().access_log;
  const bool logged = log != nullptr && log->enabled();
  if (!logged && !(ctx.trace.traced && worker.shared().spans != nullptr)) return;
  const observe::AccessLogRecord entry =
      make_log_record(ctx, route, outcome, start_wall, duration_s * 1000.0);
  if (logged) log->write(entry);
  export_spans(worker, ctx.trace, entry, outcome.timings, start, now);
}

}  // namespace centinela::net
