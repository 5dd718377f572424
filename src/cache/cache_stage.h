// The cache as a stage of the request pipeline. It drives the cache's
// decisions (lookup_plan, store_plan, revalidation, invalidation, l2_ttl,
// cache_status — pure functions of the request, the entry, the response and
// `now`) over the pipeline's events, and does the store, coalescer and Redis
// calls they ask for:
//
//   request head   bypass | L1 (then L2) lookup → deliver a fresh or allowed
//                  stale entry (304 when the client's conditional matches),
//                  start one background refresh (stale-while-revalidate),
//                  wait for another request's fetch of the key (coalescing),
//                  revalidate (validators on the upstream request), or fetch
//   response head  plan the store, merge a revalidating 304 (replace), serve
//                  stale on a 5xx or a failed upstream (stale-if-error),
//                  invalidate after an unsafe method
//   response body  the entry's body (identity: the cache is the first
//                  response stage, before compression)
//   finish         store (L1 now, L2 in the background), end the coalescing
//                  flight, charge compressed variants to L1
//
// X-Cache, Cache-Status and Age, ctx.cache_status (the access log) and
// centinela_cache_requests_total{route,result} are this stage's.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cache_entry.h"
#include "config/config.h"
#include "stage/stage.h"

namespace centinela::observe {
class Counter;
}

namespace centinela::cache {

class Clock;
class Coalescer;
class MemoryStore;
struct CacheState;
struct LookupPlan;
struct StatusReport;

// The process-wide parts every route's cache stage shares; they outlive the
// stages (a reload builds new stages over the same ones).
struct CacheServices {
  MemoryStore* l1 = nullptr;       // the in-memory cache (`cache.memory`)
  Coalescer* coalescer = nullptr;  // one upstream fetch per key, across workers
  std::string instance_id;         // names this process in purge messages
  const Clock* clock = nullptr;    // null: the system clock
};

// The `result` label of centinela_cache_requests_total.
enum class CacheResult : std::uint8_t { hit, miss, stale, bypass, revalidated, coalesced };
inline constexpr std::size_t kCacheResults = 6;

// The route's cache stage; null when the route has no `cache` (or the
// services lack the L1 or the coalescer).
std::unique_ptr<stage::Stage> make_cache_stage(const config::Config& config,
                                               const config::RouteConfig& route,
                                               CacheServices& services);

class CacheStage final : public stage::Stage {
 public:
  CacheStage(const config::Config& config, const config::RouteConfig& route,
             CacheServices& services);

  std::string_view name() const override { return "cache"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override;
  boost::asio::awaitable<stage::RequestVerdict> on_request_head_async(
      stage::RequestContext& ctx) override;
  stage::ResponseVerdict on_response_head(stage::RequestContext& ctx,
                                          stage::Response& response) override;
  void on_response_body(stage::RequestContext& ctx, stage::BodyPiece& piece) override;
  void on_finish(stage::RequestContext& ctx, bool complete) override;

 private:
  // Request direction (cache_stage.cpp, cache_lookup.cpp).
  stage::RequestVerdict bypass(stage::RequestContext& ctx, const LookupPlan& plan);
  stage::RequestVerdict serve(stage::RequestContext& ctx, CacheState& state, EntryPtr entry,
                              const StatusReport& report) const;
  stage::RequestVerdict serve_stored(stage::RequestContext& ctx, CacheState& state);
  stage::RequestVerdict revalidate(stage::RequestContext& ctx, CacheState& state);
  boost::asio::awaitable<stage::RequestVerdict> fetch_missing(stage::RequestContext& ctx,
                                                              CacheState& state);
  boost::asio::awaitable<EntryPtr> find_in_l2(stage::RequestContext& ctx, CacheState& state);
  void prepare_storing(stage::RequestContext& ctx, CacheState& state) const;
  void strip_for_upstream(stage::RequestContext& ctx) const;
  void start_refresh(stage::RequestContext& ctx, CacheState& state);
  stage::RequestVerdict begin_refresh(stage::RequestContext& ctx, CacheState& state);

  // Response direction (cache_stage_response.cpp).
  stage::ResponseVerdict on_fetched(stage::RequestContext& ctx, CacheState& state,
                                    stage::Response& response);
  stage::ResponseVerdict on_revalidated(stage::RequestContext& ctx, CacheState& state,
                                        stage::Response& response);
  stage::ResponseVerdict serve_stale_on_error(stage::RequestContext& ctx, CacheState& state);
  void merge_304(stage::RequestContext& ctx, CacheState& state, stage::Response& response);
  void invalidate(stage::RequestContext& ctx, const stage::Response& response);
  void commit(stage::RequestContext& ctx, CacheState& state) const;

  void count(CacheState& state, CacheResult result) const;
  void store(stage::RequestContext& ctx, const EntryPtr& entry) const;
  void drop(stage::RequestContext& ctx, const EntryPtr& entry) const;
  std::int64_t now() const;

  config::CacheConfig policy_;
  std::string route_name_;
  std::optional<config::IdentityConfig> credentials_;  // where identity reads credentials from
  bool compresses_ = false;                            // the route compresses for its clients
  // Lower-case names of the fields the route's request_headers fill per
  // request ($user, $client_ip...): the origin sees a value the client's
  // request does not carry, so a Vary on one cannot be keyed.
  std::vector<std::string> per_request_fields_;
  MemoryStore& l1_;
  Coalescer& coalescer_;
  std::string instance_id_;
  const Clock& clock_;
  std::array<observe::Counter*, kCacheResults> counters_{};
};

}  // namespace centinela::cache
