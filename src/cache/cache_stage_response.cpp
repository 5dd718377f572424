// The cache stage's response direction: storing what the upstream sent, the
// 304 that refreshes a stale entry, stale-if-error, invalidation after an
// unsafe method, and the end of the exchange (store, coalescing, charges).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "cache/cache_key.h"
#include "cache/cache_stage.h"
#include "cache/cache_state.h"
#include "cache/conditional.h"
#include "cache/invalidation.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "cache/revalidation.h"
#include "stage/background.h"

namespace centinela::cache {
namespace {

namespace asio = boost::asio;
using stage::RequestContext;
using stage::Response;
using stage::ResponseOrigin;
using stage::ResponseVerdict;

}  // namespace

ResponseVerdict CacheStage::on_response_head(RequestContext& ctx, Response& response) {
  CacheState* state = ctx.state<CacheState>(slot());
  if (state == nullptr) return ResponseVerdict::proceed();  // answered before the cache
  switch (state->role) {
    case Role::pass:
      if (state->bypass != Bypass::none) {
        set_status_fields(response.fields,
                          {.outcome = Outcome::bypass, .detail = bypass_detail(state->bypass)});
      }
      if (state->invalidates && response.origin == ResponseOrigin::upstream) {
        invalidate(ctx, response);
      }
      return ResponseVerdict::proceed();
    case Role::served:
      if (response.origin == ResponseOrigin::stored) {
        set_status_fields(response.fields, state->report);
      }
      return ResponseVerdict::proceed();
    case Role::fetch:
      return on_fetched(ctx, *state, response);
    case Role::revalidate:
    case Role::refresh:
      return on_revalidated(ctx, *state, response);
  }
  return ResponseVerdict::proceed();
}

// The upstream's answer to a miss (or to a revalidation that did not end in
// a 304): judged, and the entry started while it is relayed.
ResponseVerdict CacheStage::on_fetched(RequestContext& ctx, CacheState& state, Response& response) {
  if (response.origin != ResponseOrigin::upstream) {
    // The pipeline's error for an upstream that did not answer.
    count(state, CacheResult::miss);
    ctx.cache_status = x_cache_value(Outcome::miss);
    return ResponseVerdict::proceed();
  }
  const std::int64_t arrived = now();
  const StorePlan plan = plan_store(response.fields, response.status, ctx.request.method_string(),
                                    state.identity.shared_credentials, policy_, arrived,
                                    user_entry(policy_, state.identity));
  StoreVerdict verdict = plan.verdict();
  // A HEAD response has no body to keep: stored under the key GET shares it
  // would answer GETs with nothing. HEAD is served from entries GET made.
  if (verdict == StoreVerdict::ok && ctx.request.method() == stage::http::verb::head) {
    verdict = StoreVerdict::method;
  }
  // A choice the origin made by a field the route filled per request: keyed
  // by the client's value of it, the entry would reach other users.
  if (verdict == StoreVerdict::ok &&
      std::any_of(plan.vary_names.begin(), plan.vary_names.end(), [this](const std::string& name) {
        return std::find(per_request_fields_.begin(), per_request_fields_.end(), name) !=
               per_request_fields_.end();
      })) {
    verdict = StoreVerdict::vary_star;
  }
  const bool fits = !response.length || *response.length <= policy_.max_object_size;
  if (verdict == StoreVerdict::ok && fits) {
    const EntrySource source{state.identity, ctx.request, policy_.store_set_cookie,
                             state.request_time, arrived};
    state.building = build_entry(source, response.fields, response.status, plan);
    // Exactly the body's size: no slack kept for the entry's lifetime.
    if (response.length) state.building->content.reserve(*response.length);
  }
  // The steering field is for this cache alone.
  response.fields.erase(kSteeringField);
  // `stored` goes out in the head, before the body: a claim only a body of
  // known length can back. One of unknown length (chunked) may yet outgrow
  // max_object_size or end with trailers (on_response_body: never stored),
  // so it is kept when it can be but the head does not say so (RFC 9211
  // §2.5: `stored` says the cache did store the response).
  StatusReport report{.outcome = Outcome::miss,
                      .revalidating = state.role != Role::fetch,
                      .fwd_status = response.status,
                      .stored = state.building != nullptr && response.length.has_value()};
  if (state.building == nullptr) {
    report.detail = verdict == StoreVerdict::ok ? "too-large" : to_string(verdict);
  }
  set_status_fields(response.fields, report);
  count(state, CacheResult::miss);
  ctx.cache_status = x_cache_value(Outcome::miss);
  return ResponseVerdict::proceed();
}

// The answer to a revalidation (a client's, or a background refresh's).
ResponseVerdict CacheStage::on_revalidated(RequestContext& ctx, CacheState& state,
                                           Response& response) {
  const bool from_upstream = response.origin == ResponseOrigin::upstream;
  if (from_upstream && response.status == 304) {
    merge_304(ctx, state, response);
    if (state.role == Role::refresh) return ResponseVerdict::proceed();  // nobody to answer
    count(state, CacheResult::revalidated);
    ctx.cache_status = x_cache_value(Outcome::revalidated);
    const std::int64_t t = now();
    const UseDecision use = decide_use(*state.result, {}, t);
    add_status_headers(ctx.response_headers,
                       {.outcome = Outcome::revalidated, .fwd_status = 304, .age = use.age});
    state.served = state.result;
    state.served_mask = state.result->variant_mask();
    const bool not_modified = client_has_current(ctx.request, *state.result, t);
    return ResponseVerdict::replace(stage::StoredAnswer{state.result, not_modified});
  }
  if (state.use.stale_if_error_ok && (!from_upstream || response.status >= 500)) {
    if (state.role == Role::refresh) return ResponseVerdict::proceed();  // the entry stays
    return serve_stale_on_error(ctx, state);
  }
  if (!from_upstream) {
    state.counted = true;  // the error goes out as it is, uncounted (as before the stage)
    return ResponseVerdict::proceed();
  }
  return on_fetched(ctx, state, response);
}

// RFC 9111 §4.3.4: the stored response updated with the 304's fields and
// judged anew. This client's Set-Cookie goes with this answer only.
void CacheStage::merge_304(RequestContext& ctx, CacheState& state, Response& response) {
  const EntrySource source{state.identity, ctx.request, policy_.store_set_cookie,
                           state.request_time, now()};
  Refreshed refreshed =
      merge_not_modified(*state.entry, response.fields, source, policy_, ctx.arena);
  state.result = std::move(refreshed.entry);
  state.store_result = refreshed.store;
  state.drop_stale = refreshed.drop_stale;
  commit(ctx, state);  // before the client (or nobody) gets the merged answer
  for (const std::string_view cookie : refreshed.set_cookies) {
    ctx.response_headers.emplace_back("Set-Cookie", cookie);
  }
}

// RFC 5861 stale-if-error: the upstream failed (a 5xx, or no answer at all)
// and the stale entry may stand in.
ResponseVerdict CacheStage::serve_stale_on_error(RequestContext& ctx, CacheState& state) {
  count(state, CacheResult::stale);
  ctx.cache_status = x_cache_value(Outcome::stale);
  add_status_headers(ctx.response_headers, {.outcome = Outcome::stale,
                                            .detail = "stale-if-error",
                                            .age = state.use.age,
                                            .ttl = state.use.ttl});
  state.served = state.entry;
  state.served_mask = state.entry->variant_mask();
  const bool not_modified = client_has_current(ctx.request, *state.entry, now());
  return ResponseVerdict::replace(stage::StoredAnswer{state.entry, not_modified});
}

// Done when the head arrives, before the client sees any of the response: a
// client that reads the answer and asks again, on any worker, finds no stale
// entry. L2 and the other instances' L1 follow in the background.
void CacheStage::invalidate(RequestContext& ctx, const Response& response) {
  const UnsafeResponse unsafe{host_without_port(ctx.host), ctx.request.target(), response.status,
                              response.fields.find("Location"),
                              response.fields.find("Content-Location")};
  std::optional<PurgeRequest> purge = invalidation_purge(policy_, unsafe);
  if (!purge) return;
  l1_.purge(*purge);
  RedisCache* l2 = ctx.worker != nullptr ? ctx.worker->l2 : nullptr;
  if (l2 == nullptr || ctx.worker->io == nullptr) return;
  std::string message = encode_purge_message(*purge, instance_id_);
  asio::co_spawn(
      *ctx.worker->io,
      [l2, purge = std::move(*purge), message = std::move(message)]() -> asio::awaitable<void> {
        co_await l2->purge(purge);
        co_await l2->publish(message);
      },
      asio::detached);
}

void CacheStage::on_response_body(RequestContext& ctx, stage::BodyPiece& piece) {
  CacheState* state = ctx.state<CacheState>(slot());
  if (state == nullptr || state->building == nullptr) return;
  // A stored copy would answer without the trailers (grpc-status, a digest):
  // a different response. Such responses are relayed, never stored.
  if (!piece.trailers.empty()) {
    state->building.reset();
    return;
  }
  if (!append_body(*state->building, piece.data, policy_.max_object_size)) {
    state->building.reset();  // too large to keep: relayed only
    return;
  }
  if (!piece.last) return;
  // Stored before the last piece goes out: a client that has the whole
  // answer and asks again, on any connection or worker, finds the entry.
  finish_entry(*state->building);
  state->result = std::move(state->building);
  state->store_result = true;
  commit(ctx, *state);
}

// What the exchange decided about the stores, done once: the entry stored
// (L1 now, L2 in the background), a stale entry dropped, the followers of
// this fetch woken (with the entry only when one was stored: never one
// client's answer).
void CacheStage::commit(RequestContext& ctx, CacheState& state) const {
  const bool stored = state.store_result && state.result != nullptr;
  if (stored) store(ctx, state.result);
  state.store_result = false;
  if (state.drop_stale && state.entry != nullptr) drop(ctx, state.entry);
  state.drop_stale = false;
  if (state.flight != nullptr) {
    state.flight->finish(stored ? state.result : nullptr);
    if (ctx.background != nullptr && ctx.background->shared_fetch == state.flight.get()) {
      ctx.background->shared_fetch = nullptr;
    }
    state.flight.reset();
  }
}

void CacheStage::on_finish(RequestContext& ctx, bool complete) {
  CacheState* state = ctx.state<CacheState>(slot());
  if (state == nullptr) return;
  state->building.reset();  // its body broke off, or never came
  commit(ctx, *state);
  // A compressed variant made for this response now counts against the L1.
  if (state->served != nullptr && state->served->variant_mask() != state->served_mask) {
    l1_.charge_more(state->served->key, 0);
  }
  if (!state->counted && (state->role == Role::fetch || state->role == Role::revalidate)) {
    count(*state, CacheResult::miss);  // no response reached the stages at all
  }
}

}  // namespace centinela::cache
