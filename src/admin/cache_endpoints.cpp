// POST /admin/cache/purge, and POST / GET /admin/cache/warm.
#include <fmt/format.h>

#include <algorithm>

#include "admin/admin_endpoints.h"
#include "cache/cache_key.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "proxy/runtime.h"
#include "warm/warm_admin.h"

namespace centinela::admin {
namespace {

// Entries are stored with their query parameters sorted: so is a URL to purge.
void normalize_urls(cache::PurgeRequest& request) {
  if (request.kind != cache::PurgeRequest::Kind::url) return;
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

AdminResponse warm_response(warm::WarmAdminAnswer answer) {
  return json_response(answer.status, std::move(answer.body));
}

}  // namespace

// This instance's L1 at once; with Redis, the shared L2 and, through pub/sub,
// every other instance's L1.
AdminAnswer post_cache_purge(const AdminCall& call) {
  const AdminSources& sources = call.sources;
  cache::PurgeRequest request;
  std::string problem;
  if (!cache::parse_purge_request(call.request.body, request, problem)) {
    co_return error_response(400, "BAD_REQUEST", problem);
  }
  normalize_urls(request);
  std::size_t purged = sources.cache != nullptr ? sources.cache->purge(request) : 0;
  bool shared = false;
  if (cache::RedisCache* l2 = sources.cache_l2(); l2 != nullptr) {
    if (auto removed = co_await l2->purge(request)) purged = std::max(purged, *removed);
    std::string message = cache::encode_purge_message(request, sources.instance_id);
    shared = co_await l2->publish(std::move(message));
  }
  co_return json_response(200, fmt::format(R"({{"purged":{},"cluster":{}}})", purged, shared));
}

// Warming runs on its own thread, through this gateway's listener.
AdminAnswer post_cache_warm(const AdminCall& call) {
  co_return warm_response(warm::start_warm(call.request.body, call.sources.runtime()->config()));
}

AdminAnswer get_cache_warm(const AdminCall&) { co_return warm_response(warm::warm_status()); }

}  // namespace centinela::admin
