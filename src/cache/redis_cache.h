// The L2 cache in Redis, used through a worker's redis::Client. An L1 miss
// asks here before the upstream; stored responses are written here in the
// background with their TTL. Redis down, slow (the client's bounded timeout)
// or answering garbage is never an error for a client: every call answers
// "nothing" and the caller carries on with L1 and the upstream.
//
// Layout (prefix "centinela:cache:" by default):
//   <prefix>e:<key>        HASH  variant-id → encoded entry (entry_codec.h)
//   <prefix>t:<tag>        SET   of primary keys carrying the tag
//   <prefix>u:<user>       SET   of primary keys of a user's entries
//   <prefix>p:<path>       SET   of primary keys stored for a path_and_query
//   <prefix>p:<host><path> SET   the same for one host (purge by full URL)
// Writes are one Lua script (hash, indexes, expiries together); a key's hash
// holds at most kMaxVariantsPerKey variants, named by a hash of their Vary
// values.
// Every key expires with the longest-lived entry it indexes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/memory_store.h"

namespace centinela::redis {
class Client;
}
namespace centinela::observe {
class Counter;
class Histogram;
}  // namespace centinela::observe

namespace centinela::cache {

// Entries whose encoded form is larger than this stay in L1 only (the Redis
// client bounds the replies it accepts).
inline constexpr std::size_t kMaxL2EntryBytes = 1 << 20;

// The channel purges are published on, so every instance drops them from L1.
inline constexpr std::string_view kPurgeChannel = "centinela:cache:purge";

class RedisCache {
 public:
  // `latency` (centinela_cache_l2_duration_seconds) observes every call's
  // round trip, `errors` (centinela_cache_l2_errors_total) counts calls Redis
  // could not answer or answered with an error; either may be null.
  explicit RedisCache(redis::Client& client, std::string prefix = "centinela:cache:",
                      observe::Histogram* latency = nullptr, observe::Counter* errors = nullptr);

  // Every stored variant of a primary key (undecodable ones, and those no
  // origin response could have made by `now`, are logged once and skipped).
  // nullopt when Redis could not answer.
  boost::asio::awaitable<std::optional<std::vector<EntryPtr>>> fetch(std::string_view key,
                                                                     std::int64_t now);

  // Writes one entry and its indexes, expiring `ttl_seconds` from now.
  // Returns false when Redis could not take it (or it is too large).
  boost::asio::awaitable<bool> store(EntryPtr entry, std::int64_t ttl_seconds);

  // Deletes the variant of `entry`'s key that has its Vary values (one a
  // revalidation found no longer storable). False when Redis could not answer.
  boost::asio::awaitable<bool> erase_variant(EntryPtr entry);

  // Deletes from Redis what the request names. Count of primary keys removed,
  // nullopt when Redis could not answer.
  boost::asio::awaitable<std::optional<std::size_t>> purge(const PurgeRequest& request);

  // Tells every instance (including this one) to apply `request` to its L1.
  // `message` is encode_purge_message(request, instance_id).
  boost::asio::awaitable<bool> publish(std::string message);

 private:
  redis::Client& client_;
  std::string prefix_;
  observe::Histogram* latency_;
  observe::Counter* errors_;
};

// The pub/sub message for a purge: JSON {"from": instance, "purge": {...}}.
std::string encode_purge_message(const PurgeRequest& request, std::string_view instance_id);
// Parses one; false (with `error`) for anything else, e.g. garbage on the channel.
bool decode_purge_message(std::string_view message, PurgeRequest& out, std::string& instance_id,
                          std::string& error);

}  // namespace centinela::cache
