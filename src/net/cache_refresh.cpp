#include "net/cache_refresh.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "cache/freshness.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "net/deadline.h"
#include "net/exchange.h"
#include "net/worker.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "security/request_id.h"
#include "security/trace_context.h"

namespace centinela::net {

void store_entry(Worker& worker, const cache::EntryPtr& entry) {
  if (auto* l1 = worker.shared().cache) l1->insert(entry);
  cache::RedisCache* l2 = worker.l2();
  if (l2 == nullptr) return;
  // Redis keeps it as long as it can serve (fresh, then stale-*), and no
  // longer than a day past that when only validators make it reusable.
  const std::int64_t now = unix_now();
  const std::int64_t fresh_left = entry->freshness_lifetime - cache::current_age(*entry, now);
  const std::int64_t stale_window =
      std::max<std::int64_t>({entry->stale_while_revalidate, entry->stale_if_error, 0});
  std::int64_t ttl = std::max<std::int64_t>(fresh_left, 0) + stale_window;
  if (!entry->etag.empty() || !entry->last_modified.empty()) {
    ttl = std::max<std::int64_t>(ttl, std::min<std::int64_t>(entry->freshness_lifetime, 86400));
  }
  if (ttl <= 0) return;
  asio::co_spawn(
      worker.io(), [l2, entry, ttl]() -> asio::awaitable<void> { co_await l2->store(entry, ttl); },
      asio::detached);
}

void drop_entry(Worker& worker, const cache::EntryPtr& entry) {
  if (entry == nullptr) return;
  if (auto* l1 = worker.shared().cache) l1->erase_variant(*entry);
  if (cache::RedisCache* l2 = worker.l2()) {
    asio::co_spawn(
        worker.io(), [l2, entry]() -> asio::awaitable<void> { co_await l2->erase_variant(entry); },
        asio::detached);
  }
}

asio::awaitable<void> refresh_in_background(Worker& worker,
                                            std::shared_ptr<const proxy::Runtime> runtime,
                                            const proxy::Route* route, std::string request_head,
                                            EntryIdentity identity, cache::EntryPtr stale,
                                            std::unique_ptr<cache::Flight> flight) {
  {
    // Counted like a connection, so a draining worker waits for it.
    DeadlineWatch watch(worker.sweeper());
    tcp::socket no_client(worker.io());
    beast::flat_buffer client_buffer;
    std::string head_buffer;
    RequestParser parser;
    beast::error_code ec;
    parser.put(asio::buffer(request_head), ec);
    if (!ec && parser.is_done()) {
      proxy::RequestContext ctx{parser.get().base()};
      ctx.route = route;
      ctx.peer_ip = "127.0.0.1";  // the gateway itself asks
      ctx.client_ip = "127.0.0.1";
      ctx.worker = &worker.resources();
      ctx.request_id = security::new_request_id();
      ctx.trace = security::continue_or_start_trace({});
      // Asked as a client fetch is: on a compressing route the upstream
      // gets no Accept-Encoding (nothing is relayed, so nothing compressed).
      Exchange ex{worker, *runtime, no_client, client_buffer, watch, parser, ctx, head_buffer};
      ex.method = "GET";
      CacheStoreTap tap(CacheStoreTap::Mode::background, worker, route->config().cache,
                        parser.get(), ctx, &route->static_headers(), std::move(identity),
                        unix_now(), stale, /*stale_if_error_ok=*/true);
      tap.lead(std::move(flight));  // finished (and the entry stored) when the body ends
      ex.tap = &tap;
      co_await fetch_upstream(ex);
    }
  }
  worker.connection_closed();
}

}  // namespace centinela::net
