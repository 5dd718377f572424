#include "admin/admin_routes.h"

#include <algorithm>
#include <array>

#include "admin/admin_endpoints.h"
#include "config/percent_encoding.h"
#include "observe/error_json.h"
#include "proxy/runtime.h"

namespace centinela::admin {
namespace {

constexpr std::array kEndpoints = {
    AdminEndpoint{"GET", "/metrics", get_metrics},
    AdminEndpoint{"GET", "/health", get_health},
    AdminEndpoint{"GET", "/ready", get_ready},
    AdminEndpoint{"GET", "/admin/stats", get_stats},
    AdminEndpoint{"GET", "/admin/ratelimit", get_rate_limit},
    AdminEndpoint{"DELETE", "/admin/ratelimit", delete_rate_limit},
    AdminEndpoint{"POST", "/admin/cache/purge", post_cache_purge},
    AdminEndpoint{"POST", "/admin/cache/warm", post_cache_warm},
    AdminEndpoint{"GET", "/admin/cache/warm", get_cache_warm},
    AdminEndpoint{"GET", "/admin/waf/incidents", get_waf_incidents},
    AdminEndpoint{"GET", "/admin/bans", get_bans},
    AdminEndpoint{"POST", "/admin/bans", post_ban},
    AdminEndpoint{"DELETE", "/admin/bans", delete_ban},
    AdminEndpoint{"GET", "/admin/threat/top", get_threat_top},
    // The dashboard; its files as listed in dashboard/assets.txt.
    AdminEndpoint{"GET", "/", get_dashboard_page},
    AdminEndpoint{"GET", "/dashboard", get_dashboard_page},
    AdminEndpoint{"GET", "/dashboard/dashboard.js", get_dashboard_file},
    AdminEndpoint{"GET", "/dashboard/panels.js", get_dashboard_file},
    AdminEndpoint{"GET", "/dashboard/dashboard.css", get_dashboard_file},
    AdminEndpoint{"GET", "/dashboard/uPlot.iife.min.js", get_dashboard_file},
    AdminEndpoint{"GET", "/dashboard/uPlot.min.css", get_dashboard_file},
    AdminEndpoint{"GET", "/dashboard/uPlot.LICENSE", get_dashboard_file},
    AdminEndpoint{"GET", "/admin/dashboard.json", get_dashboard_json},
};

// /admin/* changes or reveals the gateway's state: the token guards it, also
// where the path or the method turns out wrong (no probing without it).
bool needs_token(std::string_view path) { return path.starts_with("/admin/"); }

bool authorized(const AdminCall& call) {
  const std::string& token = call.sources.runtime()->config().admin.token;
  return token.empty() || bearer_matches(call.request.authorization, token);
}

// What reads the dashboard's live numbers, which admin.live_stats: false
// stops collecting: the page, its files, its JSON and /admin/stats.
bool reads_live_stats(std::string_view path) {
  return path == "/" || path == "/dashboard" || path.starts_with("/dashboard/") ||
         path == "/admin/dashboard.json" || path == "/admin/stats";
}

bool method_matches(std::string_view endpoint_method, std::string_view method) {
  return method == endpoint_method || (endpoint_method == "GET" && method == "HEAD");
}

// "use GET", "use POST or GET": the methods the path answers.
std::string allowed_methods(std::string_view path) {
  std::string out = "use";
  for (const AdminEndpoint& endpoint : kEndpoints) {
    if (endpoint.path != path) continue;
    out += out.size() == 3 ? " " : " or ";
    out += endpoint.method;
  }
  return out;
}

}  // namespace

std::span<const AdminEndpoint> admin_endpoints() { return kEndpoints; }

AdminResponse json_response(unsigned status, std::string body) {
  return AdminResponse{status, "application/json", std::move(body)};
}

AdminResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  return json_response(status, observe::error_json(status, code, message));
}

boost::asio::awaitable<AdminResponse> handle_admin_request(const AdminRequest& request,
                                                           const AdminSources& sources) {
  const AdminCall call{request, sources};
  if (!host_allowed(request.host, sources.runtime()->config().admin.allowed_hosts)) {
    co_return error_response(403, "FORBIDDEN",
                             "this Host is not answered here: add it to admin.allowed_hosts");
  }
  if (const std::string_view refusal = browser_refusal(request); !refusal.empty()) {
    co_return error_response(403, "FORBIDDEN", refusal);
  }
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (needs_token(path) && !authorized(call)) {
    co_return error_response(401, "UNAUTHORIZED", "a valid admin token is required");
  }
  bool path_known = false;
  for (const AdminEndpoint& endpoint : kEndpoints) {
    if (endpoint.path != path) continue;
    path_known = true;
    if (!method_matches(endpoint.method, request.method)) continue;
    // 404, not 503: nothing will change until the config does, and a
    // monitor should not read this as the gateway failing.
    if (reads_live_stats(path) && !sources.runtime()->config().admin.live_stats) {
      co_return error_response(404, "LIVE_STATS_OFF",
                               "live stats are off (admin.live_stats: false)");
    }
    co_return co_await endpoint.handler(call);
  }
  if (path_known) co_return error_response(405, "METHOD_NOT_ALLOWED", allowed_methods(path));
  co_return error_response(404, "NOT_FOUND", "no such admin endpoint");
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

}  // namespace centinela::admin
