#include "net/cache_flow.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/string.hpp>
#include <optional>

#include "cache/cache_key.h"
#include "cache/coalescer.h"
#include "cache/directives.h"
#include "cache/freshness.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "net/cache_refresh.h"
#include "net/cache_response.h"
#include "net/cache_store_tap.h"
#include "net/head_writer.h"
#include "net/response_tap.h"
#include "net/worker.h"
#include "proxy/route.h"
#include "proxy/route_metrics.h"
#include "proxy/runtime.h"

namespace centinela::net {
namespace {

using proxy::CacheResult;

bool is_unsafe(http::verb method) {
  switch (method) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
      return false;
    default:
      return true;
  }
}

// The path of a Location-like reference when it names this host (or no
// host); empty otherwise: invalidating another origin's entries is refused.
std::string_view same_host_path(std::string_view reference, std::string_view host) {
  if (reference.starts_with("/"))
    return reference.starts_with("//") ? std::string_view{} : reference;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (reference.size() > scheme.size() &&
        boost::beast::iequals(reference.substr(0, scheme.size()), scheme)) {
      std::string_view rest = reference.substr(scheme.size());
      const auto slash = rest.find('/');
      std::string_view authority = rest.substr(0, slash);
      if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        authority = authority.substr(0, colon);
      }
      if (!boost::beast::iequals(authority, host)) return {};
      return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
  }
  return {};
}

// Drops the entries stored for a target ("/path?query") on this host, its
// query normalised as the route keys it.
void invalidate_url(Worker& worker, const config::CacheConfig& policy, std::string_view host,
                    std::string_view target) {
  if (target.empty()) return;
  const auto question = target.find('?');
  std::string path_and_query(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string query;
    cache::normalize_query(policy, target.substr(question + 1), query);
    if (!query.empty()) {
      path_and_query += '?';
      path_and_query += query;
    }
  }
  cache::PurgeRequest purge;
  purge.kind = cache::PurgeRequest::Kind::url;
  purge.values.emplace_back("http://" + std::string(host) + path_and_query);
  if (auto* l1 = worker.shared().cache) l1->purge(purge);
  if (auto* l2 = worker.l2()) {
    // The shared L2, then every other instance's L1 (as an admin purge does).
    std::string message = cache::encode_purge_message(purge, worker.shared().instance_id);
    asio::co_spawn(
        worker.io(),
        [l2, purge, message = std::move(message)]() -> asio::awaitable<void> {
          co_await l2->purge(purge);
          co_await l2->publish(message);
        },
        asio::detached);
  }
}

// RFC 9111 §4.4: a non-error response to an unsafe method invalidates the
// target and the URLs its Location and Content-Location name. Done when the
// upstream's head arrives, before the client sees any of the response: a
// client that reads the answer and asks again, on any worker, gets no stale
// entry.
class InvalidationTap : public ResponseTap {
 public:
  InvalidationTap(Worker& worker, const config::CacheConfig& policy, std::string_view host,
                  std::string_view target)
      : worker_(worker), policy_(policy), host_(host), target_(target) {}

  HeadAction on_head(proxy::ResponseHead& head, std::optional<std::uint64_t>) override {
    const unsigned status = head.result_int();
    if (status < 200 || status >= 400) return HeadAction::relay;
    invalidate_url(worker_, policy_, host_, target_);
    for (http::field field : {http::field::location, http::field::content_location}) {
      if (auto it = head.find(field); it != head.end()) {
        invalidate_url(worker_, policy_, host_, same_host_path(it->value(), host_));
      }
    }
    return HeadAction::relay;
  }
  void on_body(std::string_view) override {}
  void on_end(bool) override {}

 private:
  Worker& worker_;
  const config::CacheConfig& policy_;
  std::string_view host_;
  std::string_view target_;
};

cache::RequestDirectives request_directives(const proxy::RequestHead& request) {
  std::string storage;
  const std::string_view value = joined_field(request, "Cache-Control", storage);
  cache::RequestDirectives directives = cache::parse_request_directives(value);
  if (value.empty()) {
    // RFC 9111 §5.4: Pragma: no-cache counts when Cache-Control is absent.
    auto pragma = request.find(http::field::pragma);
    if (pragma != request.end() && boost::beast::iequals(pragma->value(), "no-cache")) {
      directives.no_cache = true;
    }
  }
  return directives;
}

// The client's If-None-Match / If-Modified-Since, set aside while the
// gateway revalidates with its own validators.
class ClientConditionals {
 public:
  explicit ClientConditionals(const proxy::RequestHead& request) {
    if (auto it = request.find(http::field::if_none_match); it != request.end()) {
      none_match_ = it->value();
    }
    if (auto it = request.find(http::field::if_modified_since); it != request.end()) {
      modified_since_ = it->value();
    }
  }
  void restore(proxy::RequestHead& request) const {
    request.erase(http::field::if_none_match);
    request.erase(http::field::if_modified_since);
    if (none_match_) request.set(http::field::if_none_match, *none_match_);
    if (modified_since_) request.set(http::field::if_modified_since, *modified_since_);
  }

 private:
  std::optional<std::string> none_match_;
  std::optional<std::string> modified_since_;
};

// Request fields some frameworks read as the request's host or URL. They are
// not part of the cache key, so letting them through would let one client
// make the origin answer differently and have that answer served to everyone
// (cache poisoning). Dropped on the way to the upstream unless the route
// keys on them. (X-Forwarded-Host/-Proto are already the gateway's own.)
void strip_unkeyed_overrides(proxy::RequestHead& request, const config::CacheConfig& policy) {
  static constexpr std::string_view kOverrides[] = {
      "x-host",           "x-forwarded-server", "x-original-url",
      "x-rewrite-url",    "x-original-host",    "x-http-method-override",
      "x-http-method",    "x-method-override",  "x-forwarded-scheme",
      "x-forwarded-port", "x-forwarded-prefix", "forwarded"};
  for (std::string_view name : kOverrides) {
    if (request.find(name) == request.end()) continue;
    std::string keyed = "header:";
    keyed += name;
    if (std::find(policy.key.begin(), policy.key.end(), keyed) != policy.key.end()) continue;
    request.erase(name);
  }
}

// The request as bytes, for a fetch made after the client was answered: the
// client's fields (its credentials and Accept-Encoding too, so the fetch is
// judged and compressed as the client's own would be), the entry's validators.
std::string request_bytes(const proxy::RequestHead& request, const cache::CacheEntry& stale) {
  std::string out;
  proxy::RequestHead copy;
  copy.method(http::verb::get);
  copy.target(request.target());
  copy.version(11);
  for (const auto& field : request) {
    switch (field.name()) {
      case http::field::if_none_match:
      case http::field::if_modified_since:
      case http::field::if_match:
      case http::field::if_unmodified_since:
      case http::field::if_range:
      case http::field::range:
      case http::field::cache_control:
      case http::field::pragma:
      case http::field::expect:
        continue;
      default:
        copy.insert(field.name_string(), field.value());
    }
  }
  if (!stale.etag.empty()) copy.set(http::field::if_none_match, stale.etag);
  if (!stale.last_modified.empty()) copy.set(http::field::if_modified_since, stale.last_modified);
  append_request_head(copy, out);
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

void set_validators(proxy::RequestHead& request, const cache::CacheEntry& entry) {
  request.erase(http::field::if_none_match);
  request.erase(http::field::if_modified_since);
  request.erase(http::field::if_match);
  request.erase(http::field::if_unmodified_since);
  request.erase(http::field::if_range);
  if (!entry.etag.empty()) request.set(http::field::if_none_match, entry.etag);
  if (!entry.last_modified.empty())
    request.set(http::field::if_modified_since, entry.last_modified);
}

void strip_conditionals(proxy::RequestHead& request) {
  // A miss asks for the full response (storable), whatever the client has.
  request.erase(http::field::if_none_match);
  request.erase(http::field::if_modified_since);
}

asio::awaitable<void> send_bypass(Exchange& ex, std::string_view detail) {
  ex.cache_status = "BYPASS";
  ex.ctx.response_headers.emplace_back("X-Cache", "BYPASS");
  std::string status = "centinela; fwd=bypass";
  if (!detail.empty()) {
    status += "; detail=";
    status += detail;
  }
  ex.ctx.response_headers.emplace_back("Cache-Status", std::move(status));
  co_await forward_upstream(ex);
}

// One cacheable GET or HEAD as the steps below serve it.
struct CacheCall {
  Exchange& ex;
  Worker& worker;
  const proxy::Route& route;
  const config::CacheConfig& policy;
  proxy::RouteMetrics& metrics;
  cache::MemoryStore& l1;
  cache::Coalescer& coalescer;
  cache::RequestDirectives directives;
  EntryIdentity identity;
  std::int64_t now = 0;
};

// A stale entry that must be checked with the upstream before use: our
// validators go upstream, the client's own conditionals are judged against
// what we then serve.
asio::awaitable<void> revalidate(CacheCall& call, const cache::EntryPtr& entry,
                                 const cache::UseDecision& use) {
  Exchange& ex = call.ex;
  auto& request = ex.parser.get();
  const ClientConditionals client_conditionals(request);
  set_validators(request, *entry);
  CacheStoreTap tap(CacheStoreTap::Mode::revalidate, call.worker, call.policy, request, ex.ctx,
                    &call.route.static_headers(), call.identity, call.now, entry,
                    use.stale_if_error_ok);
  ex.tap = &tap;
  const UpstreamOutcome outcome = co_await fetch_upstream(ex);
  ex.tap = nullptr;
  client_conditionals.restore(request);
  const CachedAnswer stale_answer{"STALE", "hit; fwd=stale; detail=stale-if-error", use.age,
                                  use.ttl};
  if (!outcome.answered) {
    if (use.stale_if_error_ok) {
      call.metrics.count_cache(CacheResult::stale);
      co_await send_cached(ex, *entry, stale_answer, &call.l1);
    } else {
      co_await send_error(ex, outcome.error_status, outcome.error_message);
    }
  } else if (tap.refreshed()) {
    call.metrics.count_cache(CacheResult::revalidated);
    const cache::UseDecision fresh = cache::decide_use(*tap.result(), {}, unix_now());
    co_await send_cached(
        ex, *tap.result(),
        {"REVALIDATED", "fwd=stale; fwd-status=304", fresh.age, fresh.ttl, tap.client_lines()},
        &call.l1);
  } else if (tap.swallowed()) {
    call.metrics.count_cache(CacheResult::stale);
    co_await send_cached(ex, *entry, stale_answer, &call.l1);
  } else {
    call.metrics.count_cache(CacheResult::miss);
    ex.cache_status = "MISS";
  }
}

// A stored entry fits the request: served fresh, served stale while one
// background refresh runs, or revalidated first.
asio::awaitable<void> serve_stored(CacheCall& call, const cache::EntryPtr& entry,
                                   const cache::UseDecision& use) {
  Exchange& ex = call.ex;
  if (use.use == cache::Usability::fresh) {
    call.metrics.count_cache(CacheResult::hit);
    co_await send_cached(ex, *entry, {"HIT", "hit", use.age, use.ttl}, &call.l1);
    co_return;
  }
  if (use.use == cache::Usability::stale_revalidate_in_background) {
    call.metrics.count_cache(CacheResult::stale);
    // Within stale-while-revalidate the entry is refreshed (once); a stale
    // entry served only because the client's max-stale accepts it is not.
    const bool in_swr_window = entry->stale_while_revalidate >= 0 &&
                               use.age < entry->freshness_lifetime + entry->stale_while_revalidate;
    if (auto flight = in_swr_window ? call.coalescer.try_lead("refresh\n" + call.identity.key)
                                    : std::unique_ptr<cache::Flight>{}) {
      asio::co_spawn(call.worker.io(),
                     refresh_in_background(call.worker, call.worker.runtime(), &call.route,
                                           request_bytes(ex.parser.get(), *entry), call.identity,
                                           entry, std::move(flight)),
                     asio::detached);
    }
    co_await send_cached(ex, *entry, {"STALE", "hit; fwd=stale", use.age, use.ttl}, &call.l1);
    co_return;
  }
  if (call.directives.only_if_cached) {
    co_await send_error(ex, 504, "not in cache (only-if-cached)");
    co_return;
  }
  co_await revalidate(call, entry, use);
}

// A miss: one request per key goes upstream, across all workers. (HEAD
// stores nothing, so it neither leads nor follows.)
asio::awaitable<void> fetch_missing(CacheCall& call) {
  Exchange& ex = call.ex;
  auto& request = ex.parser.get();
  if (call.directives.only_if_cached) {
    co_await send_error(ex, 504, "not in cache (only-if-cached)");
    co_return;
  }
  cache::Coalescer::Ticket ticket;
  if (request.method() == http::verb::get) ticket = call.coalescer.join(call.identity.key);
  if (ticket.follow) {
    cache::EntryPtr led = co_await call.coalescer.await_leader(
        std::move(ticket.follow), call.worker.io().get_executor(),
        std::chrono::duration_cast<std::chrono::milliseconds>(call.policy.lock_timeout));
    if (led != nullptr && cache::vary_matches(*led, request)) {
      call.metrics.count_cache(CacheResult::coalesced);
      const cache::UseDecision led_use = cache::decide_use(*led, call.directives, unix_now());
      co_await send_cached(ex, *led, {"HIT", "hit; detail=coalesced", led_use.age, led_use.ttl},
                           &call.l1);
      co_return;
    }
    // Not cacheable (or another variant): this request goes upstream itself.
  }
  strip_conditionals(request);
  CacheStoreTap tap(CacheStoreTap::Mode::relay, call.worker, call.policy, request, ex.ctx,
                    &call.route.static_headers(), call.identity, call.now);
  if (ticket.lead) tap.lead(std::move(ticket.lead));
  ex.tap = &tap;
  const UpstreamOutcome outcome = co_await fetch_upstream(ex);
  ex.tap = nullptr;
  call.metrics.count_cache(CacheResult::miss);
  ex.cache_status = "MISS";
  if (!outcome.answered) co_await send_error(ex, outcome.error_status, outcome.error_message);
}

cache::UseDecision use_of(const CacheCall& call, const cache::CacheEntry& found) {
  cache::UseDecision decision = cache::decide_use(found, call.directives, call.now);
  if (call.directives.no_cache) decision.use = cache::Usability::must_revalidate;
  return decision;
}

// The entry for this request in L1, with how it may be used; null when none.
// Not a coroutine: a fresh hit costs no coroutine frame.
cache::EntryPtr find_in_l1(CacheCall& call, cache::UseDecision& use) {
  const auto& request = call.ex.parser.get();
  cache::EntryPtr entry = call.l1.find(call.identity.key, [&request](const cache::CacheEntry& e) {
    return cache::vary_matches(e, request);
  });
  if (entry != nullptr) use = use_of(call, *entry);
  return entry;
}

// What may be stored from here on (a fresh hit needs none of this): the path
// for purges, and whether an answer to a credential the key does not name
// may be kept only as RFC 9111 §3.5 allows.
void prepare_storing(CacheCall& call, const std::string& path_and_query) {
  Exchange& ex = call.ex;
  call.identity.path_and_query = path_and_query;
  const auto& identity_config = ex.runtime.config().identity;
  call.identity.shared_credentials =
      !cache::keyed_per_identity(call.policy, ex.ctx.user, ex.ctx.api_key) &&
      cache::carries_credentials(identity_config ? &*identity_config : nullptr, ex.parser.get());
}

// The entry for this request in L2 (every variant L2 holds for the key goes
// into L1), with how it may be used; null when there is none.
asio::awaitable<cache::EntryPtr> find_in_l2(CacheCall& call, cache::UseDecision& use) {
  cache::RedisCache* l2 = call.worker.l2();
  if (l2 == nullptr) co_return nullptr;
  const auto& request = call.ex.parser.get();
  cache::EntryPtr entry;
  if (auto variants = co_await l2->fetch(call.identity.key, call.now)) {
    for (auto& variant : *variants) {
      if (variant->key != call.identity.key) continue;  // not ours (hash collision)
      call.l1.insert(variant);
      if (entry == nullptr && cache::vary_matches(*variant, request)) entry = variant;
    }
  }
  if (entry != nullptr) use = use_of(call, *entry);
  co_return entry;
}

}  // namespace

asio::awaitable<void> serve_with_cache(Exchange& ex, std::string_view host,
                                       std::string_view query) {
  Worker& worker = ex.worker;
  cache::MemoryStore* l1 = worker.shared().cache;
  cache::Coalescer* coalescer = worker.shared().coalescer;
  const proxy::Route& route = *ex.ctx.route;
  const auto& policy = route.config().cache;
  auto& request = ex.parser.get();
  if (l1 == nullptr || coalescer == nullptr) {
    co_await forward_upstream(ex);
    co_return;
  }

  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    if (!is_unsafe(request.method())) {
      co_await send_bypass(ex, "method");
      co_return;
    }
    const std::string target(request.target());
    InvalidationTap tap(worker, policy, host, target);
    ex.tap = &tap;
    co_await send_bypass(ex, "method");
    ex.tap = nullptr;
    co_return;
  }

  CacheCall call{
      ex, worker, route, policy, route.metrics(), *l1, *coalescer, request_directives(request)};
  if (cache::should_bypass(policy, request)) {
    call.metrics.count_cache(CacheResult::bypass);
    co_await send_bypass(ex, "bypass-rule");
    co_return;
  }
  if (call.directives.no_store || request.find(http::field::range) != request.end()) {
    call.metrics.count_cache(CacheResult::bypass);
    co_await send_bypass(ex, call.directives.no_store ? "no-store" : "range");
    co_return;
  }
  // Before the lookup: what Vary records and what it is matched against are
  // then the same view of the request, the one the upstream gets.
  strip_unkeyed_overrides(request, policy);

  // The key is built in per-thread buffers, so a hit allocates nothing for
  // it; the readable path is copied out only when an entry may be stored,
  // before the first suspension (another request on this thread reuses them).
  thread_local std::string primary_key;
  thread_local std::string path_and_query;
  call.identity.host = host;
  const cache::Requester who{ex.ctx.request, ex.ctx.peer_is_trusted_proxy, ex.ctx.tls, ex.ctx.user,
                             ex.ctx.api_key};
  cache::build_primary_key(policy, route.name(), ex.authority, ex.path, query, who, primary_key,
                           path_and_query);
  cache::digest_primary_key(primary_key, call.identity.key);
  if (!ex.ctx.user.empty() &&
      std::find(policy.key.begin(), policy.key.end(), "user") != policy.key.end()) {
    call.identity.user = ex.ctx.user;
  }
  call.now = unix_now();
  cache::UseDecision use;
  cache::EntryPtr entry = find_in_l1(call, use);
  if (entry != nullptr && use.use == cache::Usability::fresh) {
    // The hot path: written here, without another coroutine frame.
    call.metrics.count_cache(CacheResult::hit);
    co_await send_cached(ex, *entry, {"HIT", "hit", use.age, use.ttl}, &call.l1);
    co_return;
  }
  prepare_storing(call, path_and_query);
  if (entry == nullptr) entry = co_await find_in_l2(call, use);
  if (entry != nullptr) {
    co_await serve_stored(call, entry, use);
  } else {
    co_await fetch_missing(call);
  }
}

}  // namespace centinela::net
