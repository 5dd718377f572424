#include "admin/admin_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "cache/cache_key.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "config/percent_encoding.h"
#include "limit/limit_admin.h"
#include "observe/json_escape.h"
#include "observe/metrics.h"
#include "observe/process_metrics.h"
#include "proxy/runtime.h"
#include "redis/client.h"
#include "warm/warm_admin.h"

namespace centinela::admin {
namespace {

std::string cache_stats_json(const AdminSources& sources);

AdminResponse json(unsigned status, std::string body) {
  return AdminResponse{status, "application/json", std::move(body)};
}

std::string quoted(std::string_view text);

AdminResponse error(unsigned status, std::string_view code, std::string_view message) {
  // Messages may quote the client's input: escaped like every other string.
  return json(status, fmt::format(R"({{"error":{{"status":{},"code":"{}","message":{}}}}})", status,
                                  code, quoted(message)));
}

// Names come from the config or the client: escaped like every log field.
std::string quoted(std::string_view text) {
  std::string out;
  observe::append_json_string(out, text);
  return out;
}

double uptime_seconds(const AdminSources& sources) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - sources.started).count();
}

AdminResponse health(const AdminSources& sources) {
  const auto stats = observe::read_process_stats();
  return json(200, fmt::format(R"({{"status":"ok","version":{},"uptime_s":{:.0f},)"
                               R"("memory":{{"rss_bytes":{}}}}})",
                               quoted(sources.version), uptime_seconds(sources),
                               stats.resident_memory_bytes));
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

AdminResponse ready(const AdminSources& sources) {
  const auto runtime = sources.runtime();
  bool all_ready = true;
  const std::string upstreams = upstreams_json(*runtime, all_ready);
  // Redis being down degrades (L1 only, fallback limits); it does not make
  // the gateway unready.
  const std::string redis = !runtime->config().redis ? R"("not_configured")"
                            : sources.redis() != nullptr && sources.redis()->connected()
                                ? R"("connected")"
                                : R"("disconnected")";
  return json(all_ready ? 200 : 503,
              fmt::format(R"({{"status":"{}","upstreams":{},"redis":{}}})",
                          all_ready ? "ready" : "not_ready", upstreams, redis));
}

AdminResponse stats(const AdminSources& sources) {
  const auto runtime = sources.runtime();
  bool all_ready = true;
  const std::string upstreams = upstreams_json(*runtime, all_ready);
  const auto process = observe::read_process_stats();
  std::string routes = "[";
  for (std::size_t i = 0; i < runtime->config().routes.size(); ++i) {
    const auto& route = runtime->config().routes[i];
    routes += fmt::format(R"({}{{"name":{},"upstream":{}}})", i ? "," : "", quoted(route.name),
                          quoted(route.upstream));
  }
  routes += "]";
  return json(200, fmt::format(R"({{"version":{},"uptime_s":{:.0f},"connections_active":{},)"
                               R"("memory":{{"rss_bytes":{}}},"cpu_seconds":{:.3f},)"
                               R"("routes":{},"upstreams":{},"top_limited_keys":{},"cache":{}}})",
                               quoted(sources.version), uptime_seconds(sources),
                               sources.active_connections(), process.resident_memory_bytes,
                               process.cpu_seconds, routes, upstreams,
                               limit::top_limited_keys_json(10), cache_stats_json(sources)));
}

// POST /admin/cache/purge: this instance's L1 at once; with Redis, the
// shared L2 and, through pub/sub, every other instance's L1.
boost::asio::awaitable<AdminResponse> purge_cache(std::string_view body,
                                                  const AdminSources& sources) {
  cache::PurgeRequest request;
  std::string problem;
  if (!cache::parse_purge_request(body, request, problem)) {
    co_return error(400, "BAD_REQUEST", problem);
  }
  if (request.kind == cache::PurgeRequest::Kind::url) {
    // Entries are stored with their query parameters sorted: so is the URL.
    const config::CacheConfig no_route_rules;
    for (auto& url : request.values) {
      const auto question = url.find('?');
      if (question == std::string::npos) continue;
      std::string query;
      cache::normalize_query(no_route_rules, std::string_view(url).substr(question + 1), query);
      url.resize(question);
      if (!query.empty()) url += "?" + query;
    }
  }
  std::size_t purged = sources.cache != nullptr ? sources.cache->purge(request) : 0;
  bool shared = false;
  if (cache::RedisCache* l2 = sources.cache_l2(); l2 != nullptr) {
    if (auto removed = co_await l2->purge(request)) purged = std::max(purged, *removed);
    shared = co_await l2->publish(cache::encode_purge_message(request, sources.instance_id));
  }
  co_return json(200, fmt::format(R"({{"purged":{},"cluster":{}}})", purged, shared));
}

std::string cache_stats_json(const AdminSources& sources) {
  if (sources.cache == nullptr) return "null";
  const cache::StoreStats stats = sources.cache->stats();
  return fmt::format(R"({{"bytes":{},"entries":{},"evictions":{},"capacity":{}}})", stats.bytes,
                     stats.entries, stats.evictions, stats.capacity);
}

bool authorized(std::string_view authorization, const AdminSources& sources) {
  const std::string& token = sources.runtime()->config().admin.token;
  return token.empty() || bearer_matches(authorization, token);
}

}  // namespace

AdminResponse handle_admin_request(std::string_view method, std::string_view target,
                                   std::string_view authorization, const AdminSources& sources) {
  const std::string_view path = target.substr(0, target.find('?'));
  const bool read_only = method == "GET" || method == "HEAD";
  if (path == "/metrics" || path == "/health" || path == "/ready") {
    if (!read_only) return error(405, "METHOD_NOT_ALLOWED", "use GET");
    if (path == "/metrics") {
      const auto now = std::chrono::steady_clock::now();
      for (const auto& cluster : sources.runtime()->clusters()) cluster->publish_availability(now);
      return AdminResponse{200, std::string(observe::kPrometheusContentType),
                           observe::Registry::global().render()};
    }
    return path == "/health" ? health(sources) : ready(sources);
  }
  if (path.starts_with("/admin/")) {
    if (!authorized(authorization, sources)) {
      return error(401, "UNAUTHORIZED", "a valid admin token is required");
    }
    if (path == "/admin/ratelimit") {
      if (!read_only) return error(405, "METHOD_NOT_ALLOWED", "use GET or DELETE");
      const std::string policy = query_parameter(target, "policy");
      const std::string key = query_parameter(target, "key");
      if (policy.empty() || key.empty()) {
        return error(400, "BAD_REQUEST", "policy and key query parameters are required");
      }
      return json(200, limit::describe_key(policy, key));
    }
    if (path == "/admin/stats") {
      if (!read_only) return error(405, "METHOD_NOT_ALLOWED", "use GET");
      return stats(sources);
    }
  }
  return error(404, "NOT_FOUND", "no such admin endpoint");
}

std::string query_parameter(std::string_view target, std::string_view name) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {};
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    const std::string_view raw =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    // A malformed escape yields no value, as if the parameter were absent.
    return config::percent_decode(raw, /*plus_as_space=*/true).value_or(std::string());
  }
  return {};
}

boost::asio::awaitable<AdminResponse> handle_admin_request_async(const AdminRequest& request,
                                                                 const AdminSources& sources) {
  const std::string_view method = request.method;
  const std::string_view target = request.target;
  const std::string_view authorization = request.authorization;
  const std::string_view body = request.body;
  if (!host_allowed(request.host, sources.runtime()->config().admin.allowed_hosts)) {
    co_return error(403, "FORBIDDEN",
                    "this Host is not answered here: add it to admin.allowed_hosts");
  }
  if (const std::string_view refusal = browser_refusal(request); !refusal.empty()) {
    co_return error(403, "FORBIDDEN", refusal);
  }
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/admin/cache/purge") {
    if (!authorized(authorization, sources)) {
      co_return error(401, "UNAUTHORIZED", "a valid admin token is required");
    }
    if (method != "POST") co_return error(405, "METHOD_NOT_ALLOWED", "use POST");
    co_return co_await purge_cache(body, sources);
  }
  if (path == "/admin/cache/warm") {
    if (!authorized(authorization, sources)) {
      co_return error(401, "UNAUTHORIZED", "a valid admin token is required");
    }
    // Warming runs on its own thread, through this gateway's listener.
    warm::WarmAdminAnswer answer;
    if (method == "POST") {
      answer = warm::start_warm(body, sources.runtime()->config());
    } else if (method == "GET" || method == "HEAD") {
      answer = warm::warm_status();
    } else {
      co_return error(405, "METHOD_NOT_ALLOWED", "use POST or GET");
    }
    co_return json(answer.status, std::move(answer.body));
  }
  if ((method == "GET" || method == "HEAD") && path == "/admin/ratelimit" &&
      sources.redis() != nullptr) {
    if (!authorized(authorization, sources)) {
      co_return error(401, "UNAUTHORIZED", "a valid admin token is required");
    }
    const std::string policy = query_parameter(target, "policy");
    const std::string key = query_parameter(target, "key");
    if (policy.empty() || key.empty()) {
      co_return error(400, "BAD_REQUEST", "policy and key query parameters are required");
    }
    co_return json(200, co_await limit::describe_key_everywhere(policy, key, sources.redis()));
  }
  if (method == "DELETE" && path == "/admin/ratelimit") {
    if (!authorized(authorization, sources)) {
      co_return error(401, "UNAUTHORIZED", "a valid admin token is required");
    }
    const std::string policy = query_parameter(target, "policy");
    const std::string key = query_parameter(target, "key");
    if (policy.empty() || key.empty()) {
      co_return error(400, "BAD_REQUEST", "policy and key query parameters are required");
    }
    // Clears the in-process state and, with Redis, the shared keys too.
    const std::size_t cleared = co_await limit::reset_key_everywhere(policy, key, sources.redis());
    co_return json(200, fmt::format(R"({{"reset":true,"policy":{},"key":{},"cleared":{}}})",
                                    quoted(policy), quoted(key), cleared));
  }
  co_return handle_admin_request(method, target, authorization, sources);
}

}  // namespace centinela::admin
