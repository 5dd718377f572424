// Fetch → store, as values: whether an upstream response may be stored
// (RFC 9111 §3 and the route's policy), and the entry built from it — its
// replayable fields, validators, Vary values taken from the client's request,
// tags, and the freshness facts of `now`. No store is touched here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/cache_key.h"
#include "cache/freshness.h"
#include "config/config.h"

namespace centinela::stage {
class ResponseFields;
}

namespace centinela::cache {

// Who an entry is for and how it is found again (views valid for the request).
struct EntryIdentity {
  std::string key;        // the stored key (digest_primary_key)
  std::string_view host;  // lower-case, no port: purge by url
  std::string_view path_and_query;
  std::string_view user;  // set for per-user keys
  // The request carried a credential (carries_credentials) and the key is
  // not one per identity: stored only as RFC 9111 §3.5 allows.
  bool shared_credentials = false;
};

// The field this cache is steered by (RFC 9213 targeted field); consumed here,
// never relayed.
inline constexpr std::string_view kSteeringField = "Centinela-Cache-Control";

struct StorePlan {
  StoragePlan plan;
  std::vector<std::string> vary_names;  // lower-case, in order
  StoreVerdict verdict() const { return plan.verdict; }
};

// Judges a response to `method` (its fields and status) at `now`. Vary: *,
// an unreadable Vary and a Vary on a field the gateway writes per request
// (X-Request-ID...) count as vary_star.
// `user_entry`: the entry is one user's alone (user_entry below).
StorePlan plan_store(const stage::ResponseFields& fields, unsigned status, std::string_view method,
                     bool shared_credentials, const config::CacheConfig& policy, std::int64_t now,
                     bool user_entry = false);

// Whether the entry of `identity` is one user's own under the route's
// `override.authorization: per_user` (then `private` does not stop storing).
bool user_entry(const config::CacheConfig& policy, const EntryIdentity& identity);

// Whether a field of a response is kept in CacheEntry::header_lines.
bool kept_when_stored(std::string_view name, bool store_set_cookie);

// What the entry is built from besides the response.
struct EntrySource {
  const EntryIdentity& identity;
  const RequestHead& request;  // the client's: Vary values are read from it
  bool store_set_cookie = false;
  std::int64_t request_time = 0;  // when the request went upstream
  std::int64_t now = 0;           // when its response arrived
};

// A new entry (without body) for a response plan_store allowed.
std::shared_ptr<CacheEntry> build_entry(const EntrySource& source,
                                        const stage::ResponseFields& fields, unsigned status,
                                        const StorePlan& plan);

// Appends a piece of the body; false (nothing appended) when the body would
// then be larger than `max_object_size`: the response is relayed, not stored.
bool append_body(CacheEntry& entry, std::string_view piece, std::uint64_t max_object_size);

// Gives back what building left over (a body grown by doubling) before the
// entry is shared: it counts against cache.memory for its lifetime.
void finish_entry(CacheEntry& entry);

}  // namespace centinela::cache
