// The ResponseTap of a cache miss or revalidation: judges the upstream's
// response by RFC 9111 and the route's policy, and while it is relayed builds
// the entry to store. On a revalidation it recognises the 304 that refreshes
// the stale entry, and a failure the stale entry may cover (stale-if-error).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cache/cache_entry.h"
#include "cache/coalescer.h"
#include "cache/freshness.h"
#include "config/config.h"
#include "net/response_tap.h"

namespace centinela::proxy {
class StaticHeaderBlock;
}

namespace centinela::net {

class Worker;

// Who the entry is for and how it is found again.
struct EntryIdentity {
  std::string key;
  std::string host;
  std::string path_and_query;
  std::string user;  // set for per-user keys
  // The request carried a credential (cache_key.h carries_credentials) and
  // the key is not one per identity: stored only as RFC 9111 §3.5 allows.
  bool shared_credentials = false;
};

class CacheStoreTap : public ResponseTap {
 public:
  enum class Mode {
    relay,       // a miss: the client gets the upstream response
    revalidate,  // a stale entry is being checked: a 304 (or, when allowed,
                 // a failure) is swallowed and answered from the entry
    background,  // nobody waits: every response is swallowed
  };

  // `worker`: where a complete entry is stored (L1, and L2 in the
  // background) the moment the body ends.
  CacheStoreTap(Mode mode, Worker& worker, const config::CacheConfig& policy,
                const proxy::RequestHead& request, proxy::RequestContext& ctx,
                const proxy::StaticHeaderBlock* drops, EntryIdentity identity,
                std::int64_t request_time, cache::EntryPtr stale = {},
                bool stale_if_error_ok = false);

  // The coalescing flight this fetch leads: finished with the stored entry
  // (or null) as soon as the outcome is known.
  void lead(std::unique_ptr<cache::Flight> flight) { flight_ = std::move(flight); }

  HeadAction on_head(proxy::ResponseHead& head, std::optional<std::uint64_t> length) override;
  void on_body(std::string_view piece) override;
  void on_end(bool complete) override;

  // After the exchange: the entry that was built (a new response stored, or
  // the stale one as a 304 refreshed it: stored when still storable,
  // otherwise this client's answer only), or null.
  cache::EntryPtr result() const { return result_; }
  // True when the upstream's answer was swallowed: the caller answers from
  // result() (refreshed) or from the stale entry.
  bool swallowed() const { return swallowed_; }
  bool refreshed() const { return refreshed_; }
  // Fields of the refreshing 304 for this client alone ("Set-Cookie: ...\r\n"
  // lines, unless the route stores Set-Cookie): sent with result(), not stored.
  std::string_view client_lines() const { return client_lines_; }

 private:
  void refresh_from_304(const proxy::ResponseHead& head);
  void start_entry(const proxy::ResponseHead& head, const cache::StoragePlan& plan,
                   const std::vector<std::string>& vary_names);

  Mode mode_;
  Worker& worker_;
  const config::CacheConfig& policy_;
  const proxy::RequestHead& request_;
  proxy::RequestContext& ctx_;
  const proxy::StaticHeaderBlock* drops_;
  EntryIdentity identity_;
  std::int64_t request_time_;
  cache::EntryPtr stale_;
  bool stale_if_error_ok_;
  std::unique_ptr<cache::Flight> flight_;

  // The client's Accept-Encoding as Vary records it, taken before the
  // gateway removes the field on the way upstream (it compresses itself).
  std::string_view client_coding_;

  std::shared_ptr<cache::CacheEntry> building_;
  cache::EntryPtr result_;
  std::string client_lines_;
  bool store_result_ = false;  // result_ is to be stored
  bool drop_stale_ = false;    // a 304 made the stale entry unstorable
  bool swallowed_ = false;
  bool refreshed_ = false;
};

// The value of every line of a field joined with ", " (a view of the only
// line when there is one; `storage` holds a join).
std::string_view joined_field(const boost::beast::http::fields& fields, std::string_view name,
                              std::string& storage);

// Seconds since the Unix epoch, now.
std::int64_t unix_now();

}  // namespace centinela::net
