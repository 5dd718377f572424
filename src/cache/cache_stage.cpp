// The cache stage: construction, the request head's decision from memory
// (bypass, L1 hit), and the calls into the stores. The rest of the request
// direction is in cache_lookup.cpp, the response direction in
// cache_stage_response.cpp.
#include "cache/cache_stage.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "cache/cache_key.h"
#include "cache/cache_state.h"
#include "cache/clock.h"
#include "cache/conditional.h"
#include "cache/l2_ttl.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "config/ascii.h"
#include "config/value_template.h"
#include "observe/metrics.h"

namespace centinela::cache {
namespace {

namespace asio = boost::asio;
using stage::RequestContext;
using stage::RequestVerdict;

// Only where identity reads a credential from, not its secrets.
std::optional<config::IdentityConfig> credential_fields(const config::Config& config) {
  if (!config.identity) return std::nullopt;
  config::IdentityConfig fields;
  if (config.identity->jwt) {
    fields.jwt.emplace();
    fields.jwt->header = config.identity->jwt->header;
    fields.jwt->cookie = config.identity->jwt->cookie;
  }
  if (config.identity->api_keys) {
    fields.api_keys.emplace();
    fields.api_keys->header = config.identity->api_keys->header;
  }
  return fields;
}

bool keys_on(const config::CacheConfig& policy, std::string_view part) {
  return std::find(policy.key.begin(), policy.key.end(), part) != policy.key.end();
}

// The fields `edits` fill from per-request variables.
std::vector<std::string> per_request_fields(const config::HeaderEditsConfig& edits) {
  std::vector<std::string> names;
  for (const auto* list : {&edits.set, &edits.add}) {
    for (const config::HeaderValue& field : *list) {
      std::string problem;
      const auto parsed = config::parse_value_template(field.value, problem);
      if (parsed && parsed->has_variables()) names.push_back(config::ascii_lower(field.name));
    }
  }
  return names;
}

}  // namespace

std::unique_ptr<stage::Stage> make_cache_stage(const config::Config& config,
                                               const config::RouteConfig& route,
                                               CacheServices& services) {
  if (!route.cache.enabled || services.l1 == nullptr || services.coalescer == nullptr) {
    return nullptr;
  }
  return std::make_unique<CacheStage>(config, route, services);
}

CacheStage::CacheStage(const config::Config& config, const config::RouteConfig& route,
                       CacheServices& services)
    : policy_(route.cache),
      route_name_(route.name),
      credentials_(credential_fields(config)),
      compresses_(route.compression.enabled),
      per_request_fields_(per_request_fields(route.request_headers)),
      l1_(*services.l1),
      coalescer_(*services.coalescer),
      instance_id_(services.instance_id),
      clock_(services.clock != nullptr ? *services.clock : system_clock()) {
  static constexpr std::array<std::string_view, kCacheResults> kResults = {
      "hit", "miss", "stale", "bypass", "revalidated", "coalesced"};
  for (std::size_t i = 0; i < kResults.size(); ++i) {
    counters_[i] = &observe::Registry::global().counter(
        "centinela_cache_requests_total",
        "Requests on caching routes, by how the cache served them",
        {{"route", route_name_}, {"result", std::string(kResults[i])}});
  }
}

std::int64_t CacheStage::now() const { return clock_.now(); }

void CacheStage::count(CacheState& state, CacheResult result) const {
  state.counted = true;
  // A background refresh is the cache's own request, not a client's.
  if (state.role == Role::refresh) return;
  counters_[static_cast<std::size_t>(result)]->inc();
}

RequestVerdict CacheStage::on_request_head(RequestContext& ctx) {
  // A background refresh arrives with its state prepared (start_refresh).
  if (auto* prepared = ctx.state<CacheState>(slot())) return begin_refresh(ctx, *prepared);
  LookupPlan plan = plan_lookup(policy_, ctx.request);
  if (plan.bypass == Bypass::none &&
      credential_without_user(policy_, credentials_ ? &*credentials_ : nullptr, ctx.request,
                              ctx.user)) {
    plan.bypass = Bypass::unidentified;
  }
  if (plan.bypass != Bypass::none) return bypass(ctx, plan);

  auto& state = ctx.make_state<CacheState>(slot());
  state.directives = plan.directives;
  state.request_time = now();
  // The key is built in per-thread buffers, so a hit allocates nothing for
  // it; the readable path is copied out only when an entry may be stored.
  thread_local std::string primary_key;
  thread_local std::string path_and_query;
  const Requester who{ctx.request,
                      ctx.peer_is_trusted_proxy,
                      ctx.tls,
                      ctx.user,
                      ctx.api_key,
                      ctx.tls_client_subject,
                      ctx.tls_client_fingerprint};
  build_primary_key(policy_, route_name_, ctx.host, ctx.path, ctx.query, who, primary_key,
                    path_and_query);
  digest_primary_key(primary_key, state.identity.key);

  EntryPtr entry = l1_.find(state.identity.key, [&request = ctx.request](const CacheEntry& e) {
    return vary_matches(e, request);
  });
  if (entry != nullptr) {
    state.use = use_for(*entry, state.directives, state.request_time);
    if (state.use.use == Usability::fresh) {
      // The hot path: decided without Redis, a coroutine frame or a copy.
      count(state, CacheResult::hit);
      return serve(ctx, state, std::move(entry),
                   {.outcome = Outcome::hit, .age = state.use.age, .ttl = state.use.ttl});
    }
  }
  state.entry = std::move(entry);
  state.identity.path_and_query = ctx.arena.copy(path_and_query);
  return RequestVerdict::go_async();
}

RequestVerdict CacheStage::bypass(RequestContext& ctx, const LookupPlan& plan) {
  auto& state = ctx.make_state<CacheState>(slot());
  state.bypass = plan.bypass;
  state.invalidates = plan.invalidates;
  // Other methods are not requests the cache could have served.
  if (plan.bypass != Bypass::method) count(state, CacheResult::bypass);
  ctx.cache_status = x_cache_value(Outcome::bypass);
  return RequestVerdict::proceed();
}

RequestVerdict CacheStage::serve(RequestContext& ctx, CacheState& state, EntryPtr entry,
                                 const StatusReport& report) const {
  state.role = Role::served;
  state.report = report;
  ctx.cache_status = x_cache_value(report.outcome);
  const bool not_modified = client_has_current(ctx.request, *entry, state.request_time);
  state.served_mask = entry->variant_mask();
  state.served = entry;
  return RequestVerdict::deliver(stage::StoredAnswer{std::move(entry), not_modified});
}

void CacheStage::prepare_storing(RequestContext& ctx, CacheState& state) const {
  state.identity.host = host_without_port(ctx.host);
  if (!ctx.user.empty() && keys_on(policy_, "user")) state.identity.user = ctx.user;
  // An answer to a credential the key does not name is kept only as RFC
  // 9111 §3.5 allows.
  state.identity.shared_credentials =
      !keyed_per_identity(policy_, ctx.user, ctx.api_key) &&
      carries_credentials(credentials_ ? &*credentials_ : nullptr, ctx.request);
}

void CacheStage::strip_for_upstream(RequestContext& ctx) const {
  for_each_unkeyed_override(policy_, ctx.request,
                            [&ctx](std::string_view name) { ctx.upstream.remove(name); });
}

void CacheStage::store(RequestContext& ctx, const EntryPtr& entry) const {
  l1_.insert(entry);
  RedisCache* l2 = ctx.worker != nullptr ? ctx.worker->l2 : nullptr;
  if (l2 == nullptr || ctx.worker->io == nullptr) return;
  const std::int64_t ttl = l2_ttl(*entry, now());
  if (ttl <= 0) return;
  asio::co_spawn(
      *ctx.worker->io,
      [l2, entry, ttl]() -> asio::awaitable<void> { co_await l2->store(entry, ttl); },
      asio::detached);
}

void CacheStage::drop(RequestContext& ctx, const EntryPtr& entry) const {
  l1_.erase_variant(*entry);
  RedisCache* l2 = ctx.worker != nullptr ? ctx.worker->l2 : nullptr;
  if (l2 == nullptr || ctx.worker->io == nullptr) return;
  asio::co_spawn(
      *ctx.worker->io,
      [l2, entry]() -> asio::awaitable<void> { co_await l2->erase_variant(entry); },
      asio::detached);
}

}  // namespace centinela::cache
