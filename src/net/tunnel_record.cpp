#include "net/tunnel_record.h"

#include <array>

#include "net/request_record.h"
#include "net/span_export.h"
#include "net/worker.h"

namespace centinela::net {
namespace {

using Field = std::string_view observe::AccessLogRecord::*;

// Every text field of the record (origin_timing's names are copied apart).
constexpr std::array<Field, 24> kTextFields = {
    &observe::AccessLogRecord::request_id, &observe::AccessLogRecord::trace_id,
    &observe::AccessLogRecord::client_ip,  &observe::AccessLogRecord::user,
    &observe::AccessLogRecord::method,     &observe::AccessLogRecord::path,
    &observe::AccessLogRecord::query,      &observe::AccessLogRecord::route,
    &observe::AccessLogRecord::upstream,   &observe::AccessLogRecord::cache,
    &observe::AccessLogRecord::ratelimit,  &observe::AccessLogRecord::user_agent,
    &observe::AccessLogRecord::threat,     &observe::AccessLogRecord::host,
    &observe::AccessLogRecord::protocol,   &observe::AccessLogRecord::referer,
    &observe::AccessLogRecord::span_id,    &observe::AccessLogRecord::upstream_addr,
    &observe::AccessLogRecord::error,      &observe::AccessLogRecord::tls_version,
    &observe::AccessLogRecord::tls_cipher, &observe::AccessLogRecord::tls_sni,
    &observe::AccessLogRecord::waf_action, &observe::AccessLogRecord::incident_id,
};

double ms_between(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

TunnelRecord::TunnelRecord(const proxy::Runtime& runtime, const stage::RequestContext& ctx,
                           const proxy::Route& route, const RequestOutcome& outcome,
                           SteadyTime start, std::chrono::system_clock::time_point start_wall)
    : record_(make_log_record(ctx, &route, outcome, start_wall, 0)),
      trace_(ctx.trace),
      timings_(outcome.timings),
      start_(start) {
  const SteadyTime opened = outcome.tunnel_opened.value_or(SteadyClock::now());
  const double handshake_ms = ms_between(start, opened);
  count_request(runtime, ctx, &route, outcome, start_wall, handshake_ms / 1000.0);
  record_.tunnel = true;
  record_.handshake_ms = handshake_ms;
  own_text();
}

// One buffer, sized first, so that the views into it never move.
void TunnelRecord::own_text() {
  std::size_t size = 0;
  for (Field field : kTextFields) size += (record_.*field).size();
  for (const observe::OriginTiming& timing : record_.origin_timing) size += timing.name.size();
  text_.reserve(size);
  const auto keep = [&](std::string_view& view) {
    const std::size_t at = text_.size();
    text_.append(view);
    view = std::string_view(text_).substr(at, view.size());
  };
  for (Field field : kTextFields) keep(record_.*field);
  origin_timing_.assign(record_.origin_timing.begin(), record_.origin_timing.end());
  for (observe::OriginTiming& timing : origin_timing_) keep(timing.name);
  record_.origin_timing = origin_timing_;
}

void TunnelRecord::write(Worker& worker, const TunnelTotals& totals) {
  const SteadyTime now = SteadyClock::now();
  record_.duration_ms = ms_between(start_, now);
  record_.tunnel_bytes_in = totals.client_to_upstream;
  record_.tunnel_bytes_out = totals.upstream_to_client;
  if (auto* log = worker.shared().access_log) log->write(record_);
  export_spans(worker, trace_, record_, timings_, start_, now);
}

}  // namespace centinela::net
