// The L1 cache: responses in memory, shared by all workers, bounded by
// `cache.memory` bytes (entries, keys and indexes all counted). Sharded by key
// hash, one lock per shard held only for the map work (never for I/O or
// copying bodies: entries are shared_ptr). Admission and eviction follow
// S3-FIFO (a small probationary FIFO, a main FIFO with reinsertion of
// re-used entries, a ghost list of recently evicted keys), which keeps
// one-hit wonders from flushing the working set as plain LRU does.
//
// The store knows nothing of HTTP time: expired entries stay until S3-FIFO
// evicts them (a stale entry is never re-used, so it leaves by the small or
// main queue like any cold key) or a later response for the key replaces
// them. The caller judges freshness (freshness.h); no reaper thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_entry.h"

namespace centinela::cache {

// At most this many Vary variants are kept per primary key; inserting more
// replaces the oldest.
inline constexpr std::size_t kMaxVariantsPerKey = 32;

struct PurgeRequest {
  enum class Kind { url, prefix, tags, user, all };
  Kind kind = Kind::all;
  // url / prefix: a path (matched against path_and_query on any host), or
  // "http(s)://host/path" (host must match too). tags: any of them. user: one.
  std::vector<std::string> values;
};

struct StoreStats {
  std::uint64_t bytes = 0;    // charged bytes currently held
  std::uint64_t entries = 0;  // entries (variants counted separately)
  std::uint64_t evictions = 0;
  std::uint64_t capacity = 0;
};

class MemoryStore {
 public:
  // `shard_count` is rounded up to a power of two (at most 256).
  explicit MemoryStore(std::uint64_t capacity_bytes, unsigned shard_count = 16);
  ~MemoryStore();
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  // The stored variant of `key` that `accept` says fits this request (Vary),
  // or null; variants are tried newest first. Counts as a use for eviction.
  // Does not allocate. `accept` runs under the shard lock: it must be quick
  // and must not call back into the store. Thread-safe.
  EntryPtr find(std::string_view key, const std::function<bool(const CacheEntry&)>& accept);

  // Stores an entry, replacing a variant of the same key with equal
  // vary_names and vary_values (or, beyond kMaxVariantsPerKey, the oldest).
  // An entry whose charge() is larger than 1/8 of the capacity is not stored.
  // Evicts until the store is within its capacity again. Returns whether it
  // was stored. Thread-safe.
  bool insert(EntryPtr entry);

  // Removes every variant of `key`. Returns how many. Thread-safe.
  std::size_t erase(std::string_view key);

  // Removes the variant stored under `like.key` with like's vary_names and
  // vary_values (whichever copy of it is stored). Returns whether there was
  // one. Thread-safe.
  bool erase_variant(const CacheEntry& like);

  // Removes what the request names; returns how many entries. Scans the
  // shards one at a time (an admin operation: O(entries), each shard's lock
  // held only for its own scan). Empty values match nothing. Thread-safe.
  std::size_t purge(const PurgeRequest& request);

  // Called after a compressed variant was published on a stored entry so its
  // bytes count against the capacity (may evict). The store re-reads charge()
  // of the key's variants and adds what grew, so `bytes` is only informative
  // and a variant already evicted or replaced costs nothing.
  void charge_more(std::string_view key, std::size_t bytes);

  StoreStats stats() const;

 private:
  struct Shard;
  std::size_t shard_index(std::size_t key_hash) const;
  // Evicts from the shards after `start`, one lock at a time, until the
  // store is within its capacity (used when the inserting shard alone could
  // not make room). Evicted entries go to `removed`, freed after unlocking.
  void make_room(std::size_t start, std::vector<EntryPtr>& removed);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::uint64_t capacity_;
  unsigned shard_bits_ = 0;
  // Shared by the shards, updated under their locks, read by stats().
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> entries_{0};
  std::atomic<std::uint64_t> evictions_{0};
};

// Parses an admin purge body ({"url": …}, {"prefix": …}, {"tags": […]},
// {"user": …}, {"all": true}); on a bad body returns false with `error` set to
// a message fit for a 400 answer.
bool parse_purge_request(std::string_view json_body, PurgeRequest& out, std::string& error);

}  // namespace centinela::cache
