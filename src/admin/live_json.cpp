#include "admin/live_json.h"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

#include "admin/admin_endpoints.h"
#include "limit/limit_admin.h"
#include "observe/live_stats.h"
#include "proxy/runtime.h"
#include "redis/client.h"

namespace centinela::admin {
namespace {

using observe::LatencySketch;

std::string window_json(const LatencySketch& sketch) {
  const auto ms = [&sketch](double q) { return sketch.quantile(q) * 1000.0; };
  return fmt::format(R"({{"count":{},"p50":{:.3f},"p90":{:.3f},"p95":{:.3f},"p99":{:.3f},)"
                     R"("max":{:.3f}}})",
                     sketch.count(), ms(0.50), ms(0.90), ms(0.95), ms(0.99), sketch.max() * 1000.0);
}

// `"name":[v,v,…]` for one field of each element.
template <class Items, class Field>
void append_array(std::string& out, std::string_view name, const Items& items, Field field) {
  fmt::format_to(std::back_inserter(out), R"("{}":[)", name);
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    fmt::format_to(std::back_inserter(out), "{}", field(item));
  }
  out += ']';
}

std::string series_json(std::int64_t since) {
  const auto seconds = observe::LiveStats::global().series().seconds_after(since);
  std::string out = "{";
  append_array(out, "t", seconds, [](const observe::LiveSecond& s) { return s.second; });
  for (std::size_t i = 0; i < observe::kLiveCounts; ++i) {
    out += ',';
    append_array(out, observe::kLiveCountNames[i], seconds,
                 [i](const observe::LiveSecond& s) { return s.counts[i]; });
  }
  out += ',';
  append_array(out, "connections", seconds,
               [](const observe::LiveSecond& s) { return s.connections; });
  return out + "}";
}

// A route's origin metrics (Server-Timing) over the last 5 minutes, as the
// route's own `p95` is: `[{"metric":"db","count":N,"p95":ms},...]`, the
// metrics with observations only.
std::string origin_timing_json(std::string_view route, std::int64_t now) {
  std::string out = "[";
  bool first = true;
  for (const auto& [metric, windows] : observe::LiveStats::global().origin_timings(route)) {
    const LatencySketch five = windows->last_minutes(5, now);
    if (five.count() == 0) continue;
    fmt::format_to(std::back_inserter(out), R"({}{{"metric":{},"count":{},"p95":{:.3f}}})",
                   first ? "" : ",", quoted(metric), five.count(), five.quantile(0.95) * 1000.0);
    first = false;
  }
  return out + "]";
}

// The configured routes' per-second percentiles (ms) and 1/5/15 m windows.
std::string routes_json(const proxy::Runtime& runtime, std::int64_t since, std::int64_t now) {
  std::string out = "[";
  bool first = true;
  for (const auto& route : runtime.config().routes) {
    const observe::LatencyWindows& windows = observe::LiveStats::global().route(route.name);
    const auto seconds = windows.seconds_after(since);
    out += first ? "{" : ",{";
    first = false;
    fmt::format_to(std::back_inserter(out), R"("name":{},)", quoted(route.name));
    append_array(out, "t", seconds, [](const observe::SecondLatency& s) { return s.second; });
    out += ',';
    append_array(out, "count", seconds, [](const observe::SecondLatency& s) { return s.count; });
    for (const auto& [name, member] : {std::pair{"p50", &observe::SecondLatency::p50},
                                       std::pair{"p95", &observe::SecondLatency::p95},
                                       std::pair{"p99", &observe::SecondLatency::p99}}) {
      out += ',';
      const auto field = member;  // not a structured binding: captured below
      append_array(out, name, seconds, [field](const observe::SecondLatency& s) {
        return fmt::format("{:.3f}", s.*field * 1000.0f);
      });
    }
    out += ",\"origin_timing\":" + origin_timing_json(route.name, now);
    out += ",\"windows\":{" + latency_members(windows, now) + "}}";
  }
  return out + "]";
}

}  // namespace

std::string upstreams_live_json(const proxy::Runtime& runtime, std::int64_t now) {
  const auto steady_now = std::chrono::steady_clock::now();
  std::string out = "[";
  bool first = true;
  for (const auto& cluster : runtime.clusters()) {
    out += first ? "{" : ",{";
    first = false;
    fmt::format_to(std::back_inserter(out), R"("name":{},"available":{},"servers":[)",
                   quoted(cluster->name()), cluster->has_available_server(steady_now));
    for (std::size_t i = 0; i < cluster->server_count(); ++i) {
      const auto& server = cluster->server(i);
      const bool checks_ok = server.active_healthy.load(std::memory_order_relaxed);
      const char* state = server.is_available(steady_now) ? "up" : (checks_ok ? "ejected" : "down");
      fmt::format_to(std::back_inserter(out),
                     R"({}{{"server":{},"state":"{}","in_flight":{},"ejections":{}}})",
                     i ? "," : "", quoted(server.endpoint.text), state,
                     server.in_flight.load(std::memory_order_relaxed),
                     server.ejections.load(std::memory_order_relaxed));
    }
    out += ']';
    // No windows when admin.live_stats is off (then nothing asks for this).
    if (const observe::LatencyWindows* windows = cluster->latency_windows()) {
      out += "," + latency_members(*windows, now);
    }
    out += '}';
  }
  return out + "]";
}

namespace {

std::string slow_json() {
  std::string out = "[";
  bool first = true;
  for (const observe::SlowRequest& r : observe::LiveStats::global().slow_requests().slowest(10)) {
    out += first ? "" : ",";
    first = false;
    fmt::format_to(std::back_inserter(out),
                   R"({{"unix_ms":{},"request_id":{},"route":{},"method":{},"path":{},)"
                   R"("status":{},"total_ms":{:.1f},"gateway_ms":{:.1f},"connect_ms":{:.1f},)"
                   R"("first_byte_ms":{:.1f},"transfer_ms":{:.1f},"origin_timing":[)",
                   r.unix_ms, quoted(r.request_id.data()), quoted(r.route.data()),
                   quoted(r.method.data()), quoted(r.path.data()), r.status, r.total_ms,
                   r.gateway_ms, r.connect_ms, r.first_byte_ms, r.transfer_ms);
    // The origin's own account (Server-Timing), longest first: [name, ms] pairs.
    bool first_timing = true;
    for (const observe::SlowOriginTiming& timing : r.origin) {
      if (timing.name[0] == '\0') break;
      fmt::format_to(std::back_inserter(out), R"({}[{},{:.1f}])", first_timing ? "" : ",",
                     quoted(timing.name.data()), timing.dur_ms);
      first_timing = false;
    }
    out += "]}";
  }
  return out + "]";
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string latency_members(const observe::LatencyWindows& windows, std::int64_t now) {
  const LatencySketch one = windows.last_minutes(1, now);
  const LatencySketch five = windows.last_minutes(5, now);
  const LatencySketch fifteen = windows.last_minutes(15, now);
  return fmt::format(R"("p50":{:.3f},"p95":{:.3f},"p99":{:.3f},"1m":{},"5m":{},"15m":{})",
                     five.quantile(0.50) * 1000.0, five.quantile(0.95) * 1000.0,
                     five.quantile(0.99) * 1000.0, window_json(one), window_json(five),
                     window_json(fifteen));
}

std::string dashboard_json(const AdminSources& sources, std::int64_t since, std::int64_t now) {
  const auto runtime = sources.runtime();
  redis::Client* const client = sources.redis();
  const std::string_view redis = !runtime->config().redis                   ? "not_configured"
                                 : client != nullptr && client->connected() ? "connected"
                                                                            : "disconnected";
  const std::string redis_error = client != nullptr ? client->down_reason() : std::string();
  return fmt::format(R"({{"now":{},"since":{},"series":{},"routes":{},"upstreams":{},)"
                     R"("redis":"{}","redis_error":{},"connections_active":{},)"
                     R"("top_limited_keys":{},"slow":{}}})",
                     now, since, series_json(since), routes_json(*runtime, since, now),
                     upstreams_live_json(*runtime, now), redis, quoted(redis_error),
                     sources.active_connections(), limit::top_limited_keys_json(10), slow_json());
}

}  // namespace centinela::admin
