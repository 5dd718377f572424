// The cache stage's request direction beyond L1: the L2 lookup, what a stored
// entry may do for the request (serve, serve stale and refresh once in the
// background, revalidate), and a miss — coalesced with another request's
// fetch of the same key, or fetched.
#include <boost/asio/this_coro.hpp>
#include <chrono>

#include "cache/cache_key.h"
#include "cache/cache_stage.h"
#include "cache/cache_state.h"
#include "cache/redis_cache.h"
#include "cache/revalidation.h"
#include "stage/background.h"

namespace centinela::cache {
namespace {

namespace asio = boost::asio;
using stage::RequestContext;
using stage::RequestVerdict;

RequestVerdict not_in_cache(RequestContext& ctx) {
  stage::LocalResponse answer =
      stage::make_error_response(504, "not in cache (only-if-cached)", ctx.request_id);
  return RequestVerdict::respond(std::move(answer));
}

// What a background refresh carries from the request that started it to its
// own (owned: that request may be gone by then).
struct RefreshJob {
  std::string key;
  std::string host;
  std::string path_and_query;
  std::string user;
  bool shared_credentials = false;
  EntryPtr stale;
  std::shared_ptr<Flight> flight;  // "refresh" of the key: exactly one runs
};

}  // namespace

asio::awaitable<RequestVerdict> CacheStage::on_request_head_async(RequestContext& ctx) {
  CacheState* state = ctx.state<CacheState>(slot());
  if (state == nullptr) co_return RequestVerdict::proceed();
  prepare_storing(ctx, *state);
  if (state->entry == nullptr) {
    EntryPtr found = co_await find_in_l2(ctx, *state);
    state->entry = std::move(found);
  }
  if (state->entry != nullptr) co_return serve_stored(ctx, *state);
  co_return co_await fetch_missing(ctx, *state);
}

// Every variant L2 holds for the key goes into L1; the one that fits this
// request is returned.
asio::awaitable<EntryPtr> CacheStage::find_in_l2(RequestContext& ctx, CacheState& state) {
  RedisCache* l2 = ctx.worker != nullptr ? ctx.worker->l2 : nullptr;
  if (l2 == nullptr) co_return nullptr;
  EntryPtr match;
  auto variants = co_await l2->fetch(state.identity.key, now());
  if (!variants) co_return nullptr;
  for (EntryPtr& variant : *variants) {
    if (variant->key != state.identity.key) continue;  // not ours
    l1_.insert(variant);
    if (match == nullptr && vary_matches(*variant, ctx.request)) match = variant;
  }
  if (match != nullptr) state.use = use_for(*match, state.directives, state.request_time);
  co_return match;
}

RequestVerdict CacheStage::serve_stored(RequestContext& ctx, CacheState& state) {
  const UseDecision& use = state.use;
  switch (use.use) {
    case Usability::fresh:
      count(state, CacheResult::hit);
      return serve(ctx, state, state.entry,
                   {.outcome = Outcome::hit, .age = use.age, .ttl = use.ttl});
    case Usability::stale_revalidate_in_background:
      count(state, CacheResult::stale);
      if (refreshes_in_background(*state.entry, use)) start_refresh(ctx, state);
      return serve(ctx, state, state.entry,
                   {.outcome = Outcome::stale, .age = use.age, .ttl = use.ttl});
    case Usability::must_revalidate:
      break;
  }
  if (state.directives.only_if_cached) return not_in_cache(ctx);
  return revalidate(ctx, state);
}

// Our validators go upstream; the client's own conditionals stay on its
// request and are judged against what is then served.
RequestVerdict CacheStage::revalidate(RequestContext& ctx, CacheState& state) {
  state.role = Role::revalidate;
  for (const std::string_view name : kConditionalFields) ctx.upstream.remove(name);
  for_each_validator(*state.entry, [&ctx](std::string_view name, std::string_view value) {
    ctx.upstream.set(name, value);
  });
  strip_for_upstream(ctx);
  return RequestVerdict::proceed();
}

// A miss: one request per key goes upstream, across all workers; the others
// wait for its outcome. (HEAD stores nothing, so it neither leads nor follows.)
asio::awaitable<RequestVerdict> CacheStage::fetch_missing(RequestContext& ctx, CacheState& state) {
  if (state.directives.only_if_cached) co_return not_in_cache(ctx);
  Coalescer::Ticket ticket;
  if (ctx.request.method() == stage::http::verb::get) ticket = coalescer_.join(state.identity.key);
  if (ticket.follow) {
    const auto executor = co_await asio::this_coro::executor;
    EntryPtr led = co_await coalescer_.await_leader(
        std::move(ticket.follow), executor,
        std::chrono::duration_cast<std::chrono::milliseconds>(policy_.lock_timeout));
    if (led != nullptr && vary_matches(*led, ctx.request)) {
      count(state, CacheResult::coalesced);
      const UseDecision use = decide_use(*led, state.directives, now());
      co_return serve(
          ctx, state, std::move(led),
          {.outcome = Outcome::hit, .detail = "coalesced", .age = use.age, .ttl = use.ttl});
    }
    // Not cacheable (or another variant): this request goes upstream itself.
  }
  state.role = Role::fetch;
  if (ticket.lead) {
    state.flight = std::move(ticket.lead);
    if (ctx.background != nullptr) ctx.background->shared_fetch = state.flight.get();
  }
  // A miss asks for the full response (storable), whatever the client has.
  ctx.upstream.remove("If-None-Match");
  ctx.upstream.remove("If-Modified-Since");
  strip_for_upstream(ctx);
  co_return RequestVerdict::proceed();
}

// Stale-while-revalidate: the entry is served now and refreshed by a request
// of the cache's own, through the same pipeline, once across workers.
void CacheStage::start_refresh(RequestContext& ctx, CacheState& state) {
  if (ctx.background == nullptr) return;
  std::unique_ptr<Flight> flight = coalescer_.try_lead("refresh\n" + state.identity.key);
  if (flight == nullptr) return;  // one is running already
  RefreshJob job{state.identity.key,
                 std::string(state.identity.host),
                 std::string(state.identity.path_and_query),
                 std::string(state.identity.user),
                 state.identity.shared_credentials,
                 state.entry,
                 std::move(flight)};
  ctx.background->start(ctx, refresh_request(ctx.request, *state.entry, policy_), *this,
                        [this, job = std::move(job)](RequestContext& refresh) mutable {
                          auto& prepared = refresh.make_state<CacheState>(slot());
                          prepared.role = Role::refresh;
                          prepared.identity.key = job.key;
                          prepared.identity.host = refresh.arena.copy(job.host);
                          prepared.identity.path_and_query = refresh.arena.copy(job.path_and_query);
                          prepared.identity.user = refresh.arena.copy(job.user);
                          prepared.identity.shared_credentials = job.shared_credentials;
                          prepared.entry = std::move(job.stale);
                          prepared.use.stale_if_error_ok = true;  // a failure keeps the entry
                          prepared.flight = std::move(job.flight);
                        });
}

RequestVerdict CacheStage::begin_refresh(RequestContext& ctx, CacheState& state) {
  state.request_time = now();
  // Asked as a client fetch is: on a compressing route the upstream sends
  // identity (the gateway compresses), so one representation is stored.
  if (compresses_) ctx.upstream.remove("Accept-Encoding");
  return RequestVerdict::proceed();
}

}  // namespace centinela::cache
