// GET /metrics, /health, /ready and /admin/stats: what the process reports
// about itself.
#include <fmt/format.h>

#include <chrono>

#include "admin/admin_endpoints.h"
#include "admin/live_json.h"
#include "cache/memory_store.h"
#include "limit/limit_admin.h"
#include "observe/json_escape.h"
#include "observe/live_stats.h"
#include "observe/metrics.h"
#include "observe/process_metrics.h"
#include "proxy/runtime.h"
#include "redis/client.h"

namespace centinela::admin {
namespace {

double uptime_seconds(const AdminSources& sources) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - sources.started).count();
}

// JSON for each upstream and its servers; `all_routes_ready` is false when a
// route's upstream has no server taking traffic.
std::string upstreams_json(const proxy::Runtime& runtime, bool& all_routes_ready) {
  const auto now = std::chrono::steady_clock::now();
  std::string out = "[";
  all_routes_ready = true;
  bool first = true;
  for (const auto& cluster : runtime.clusters()) {
    bool used = false;
    for (const auto& route : runtime.config().routes) used |= route.upstream == cluster->name();
    const bool available = cluster->has_available_server(now);
    if (used && !available) all_routes_ready = false;
    out += first ? "" : ",";
    first = false;
    out += fmt::format(R"({{"name":{},"available":{},"servers":[)", quoted(cluster->name()),
                       available ? "true" : "false");
    for (std::size_t i = 0; i < cluster->server_count(); ++i) {
      const auto& server = cluster->server(i);
      const bool checks_ok = server.active_healthy.load(std::memory_order_relaxed);
      const char* state = server.is_available(now) ? "up" : (checks_ok ? "ejected" : "down");
      out += fmt::format(R"({}{{"server":{},"state":"{}","in_flight":{}}})", i ? "," : "",
                         quoted(server.endpoint.text), state,
                         server.in_flight.load(std::memory_order_relaxed));
    }
    out += "]}";
  }
  return out + "]";
}

std::string cache_stats_json(const AdminSources& sources) {
  if (sources.cache == nullptr) return "null";
  const cache::StoreStats stats = sources.cache->stats();
  return fmt::format(R"({{"bytes":{},"entries":{},"evictions":{},"capacity":{}}})", stats.bytes,
                     stats.entries, stats.evictions, stats.capacity);
}

}  // namespace

std::string quoted(std::string_view text) {
  std::string out;
  observe::append_json_string(out, text);
  return out;
}

AdminAnswer get_metrics(const AdminCall& call) {
  // Ejections end by time passing, not by an event: the gauges are set now.
  const auto now = std::chrono::steady_clock::now();
  for (const auto& cluster : call.sources.runtime()->clusters()) {
    cluster->publish_availability(now);
  }
  co_return AdminResponse{200, std::string(observe::kPrometheusContentType),
                          observe::Registry::global().render()};
}

AdminAnswer get_health(const AdminCall& call) {
  const auto stats = observe::read_process_stats();
  co_return json_response(200,
                          fmt::format(R"({{"status":"ok","version":{},"uptime_s":{:.0f},)"
                                      R"("memory":{{"rss_bytes":{}}}}})",
                                      quoted(call.sources.version), uptime_seconds(call.sources),
                                      stats.resident_memory_bytes));
}

AdminAnswer get_ready(const AdminCall& call) {
  const auto runtime = call.sources.runtime();
  bool all_ready = true;
  const std::string upstreams = upstreams_json(*runtime, all_ready);
  // Redis being down degrades (L1 only, fallback limits); it does not make
  // the gateway unready.
  redis::Client* const client = call.sources.redis();
  const std::string_view redis = !runtime->config().redis                   ? R"("not_configured")"
                                 : client != nullptr && client->connected() ? R"("connected")"
                                                                            : R"("disconnected")";
  // Why it is down ("tls handshake: certificate verify failed: …"), when known.
  const std::string reason = client != nullptr ? client->down_reason() : std::string();
  const std::string redis_error =
      reason.empty() ? std::string() : R"(,"redis_error":)" + quoted(reason);
  co_return json_response(
      all_ready ? 200 : 503,
      fmt::format(R"({{"status":"{}","upstreams":{},"redis":{}{}}})",
                  all_ready ? "ready" : "not_ready", upstreams, redis, redis_error));
}

AdminAnswer get_stats(const AdminCall& call) {
  const AdminSources& sources = call.sources;
  const auto runtime = sources.runtime();
  const std::int64_t now = unix_now();
  const std::string upstreams = upstreams_live_json(*runtime, now);
  const auto process = observe::read_process_stats();
  std::string routes = "[";
  for (std::size_t i = 0; i < runtime->config().routes.size(); ++i) {
    const auto& route = runtime->config().routes[i];
    routes += fmt::format(R"({}{{"name":{},"upstream":{},{}}})", i ? "," : "", quoted(route.name),
                          quoted(route.upstream),
                          latency_members(observe::LiveStats::global().route(route.name), now));
  }
  routes += "]";
  co_return json_response(
      200,
      fmt::format(R"({{"version":{},"uptime_s":{:.0f},"connections_active":{},)"
                  R"("memory":{{"rss_bytes":{}}},"cpu_seconds":{:.3f},)"
                  R"("routes":{},"upstreams":{},"top_limited_keys":{},"cache":{}}})",
                  quoted(sources.version), uptime_seconds(sources), sources.active_connections(),
                  process.resident_memory_bytes, process.cpu_seconds, routes, upstreams,
                  limit::top_limited_keys_json(10), cache_stats_json(sources)));
}

}  // namespace centinela::admin
