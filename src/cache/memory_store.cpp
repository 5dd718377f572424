#include "cache/memory_store.h"

#include <algorithm>
#include <bit>
#include <mutex>
#include <utility>

#include "cache/s3fifo_shard.h"

namespace centinela::cache {
namespace {

constexpr unsigned kMaxShards = 256;
// The small FIFO's share of a shard's bytes (the S3-FIFO paper's 10%).
constexpr std::uint64_t kSmallQueueDivisor = 10;
// Multiplier of Fibonacci hashing: spreads the key hash's bits so the shard
// index (its top bits) is independent of the map's bucket index (low bits).
constexpr std::uint64_t kFibonacci = 0x9E3779B97F4A7C15ull;

std::size_t hash_key(std::string_view key) { return std::hash<std::string_view>{}(key); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// A purge url or prefix value: "http(s)://host[:port]/path…" names a host and
// a path; anything else is a path matched on every host.
struct PurgeTarget {
  std::string host;  // lower-case, no port; empty: any host
  std::string path;
};

PurgeTarget parse_target(std::string_view value, bool is_prefix) {
  std::size_t scheme_length = 0;
  if (starts_with_ignoring_case(value, "http://")) scheme_length = 7;
  if (starts_with_ignoring_case(value, "https://")) scheme_length = 8;
  if (scheme_length == 0) return {std::string(), std::string(value)};
  value.remove_prefix(scheme_length);
  const std::size_t path_start = std::min(value.find_first_of("/?"), value.size());
  std::string_view authority = value.substr(0, path_start);
  std::string_view path = value.substr(path_start);
  const std::size_t port = authority.rfind(':');
  const std::size_t bracket = authority.rfind(']');  // an IPv6 literal
  if (port != std::string_view::npos && (bracket == std::string_view::npos || port > bracket)) {
    authority = authority.substr(0, port);
  }
  PurgeTarget target;
  target.host.reserve(authority.size());
  for (const char c : authority) target.host.push_back(lower(c));
  if (path.empty() && !is_prefix) {
    target.path = "/";
  } else {
    target.path = std::string(path);
    if (!target.path.empty() && target.path.front() == '?') target.path.insert(0, "/");
  }
  return target;
}

// What one PurgeRequest selects, with its values parsed once.
class PurgeMatcher {
 public:
  explicit PurgeMatcher(const PurgeRequest& request) : request_(request) {
    if (request.kind != PurgeRequest::Kind::url && request.kind != PurgeRequest::Kind::prefix) {
      return;
    }
    for (const std::string& value : request.values) {
      if (value.empty()) continue;
      targets_.push_back(parse_target(value, request.kind == PurgeRequest::Kind::prefix));
    }
  }

  bool matches(const CacheEntry& entry) const {
    switch (request_.kind) {
      case PurgeRequest::Kind::all:
        return true;
      case PurgeRequest::Kind::url:
        return std::any_of(targets_.begin(), targets_.end(), [&](const PurgeTarget& target) {
          return host_matches(target, entry) && entry.path_and_query == target.path;
        });
      case PurgeRequest::Kind::prefix:
        return std::any_of(targets_.begin(), targets_.end(), [&](const PurgeTarget& target) {
          return host_matches(target, entry) && entry.path_and_query.starts_with(target.path);
        });
      case PurgeRequest::Kind::tags:
        for (const std::string& tag : entry.tags) {
          for (const std::string& wanted : request_.values) {
            if (!wanted.empty() && tag == wanted) return true;
          }
        }
        return false;
      case PurgeRequest::Kind::user:
        return !entry.user.empty() && std::find(request_.values.begin(), request_.values.end(),
                                                entry.user) != request_.values.end();
    }
    return false;
  }

 private:
  static bool host_matches(const PurgeTarget& target, const CacheEntry& entry) {
    return target.host.empty() || target.host == entry.host;
  }

  const PurgeRequest& request_;
  std::vector<PurgeTarget> targets_;
};

}  // namespace

struct alignas(64) MemoryStore::Shard {
  Shard(const StoreCounters& counters, std::uint64_t small_queue_bytes)
      : fifo(counters, small_queue_bytes) {}
  std::mutex mutex;
  S3FifoShard fifo;
};

MemoryStore::MemoryStore(std::uint64_t capacity_bytes, unsigned shard_count)
    : capacity_(capacity_bytes) {
  const unsigned count = std::bit_ceil(std::clamp(shard_count, 1u, kMaxShards));
  shard_bits_ = static_cast<unsigned>(std::countr_zero(count));
  const std::uint64_t small_queue_bytes = capacity_bytes / count / kSmallQueueDivisor;
  shards_.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    shards_.push_back(
        std::make_unique<Shard>(StoreCounters{bytes_, entries_, evictions_}, small_queue_bytes));
  }
}

MemoryStore::~MemoryStore() = default;

std::size_t MemoryStore::shard_index(std::size_t key_hash) const {
  if (shard_bits_ == 0) return 0;
  return static_cast<std::size_t>((std::uint64_t{key_hash} * kFibonacci) >> (64 - shard_bits_));
}

EntryPtr MemoryStore::find(std::string_view key,
                           const std::function<bool(const CacheEntry&)>& accept) {
  const std::size_t hash = hash_key(key);
  Shard& shard = *shards_[shard_index(hash)];
  std::lock_guard lock(shard.mutex);
  return shard.fifo.find(key, hash, accept);
}

bool MemoryStore::insert(EntryPtr entry) {
  if (!entry) return false;
  const std::size_t charge = entry->charge();
  if (charge > capacity_ / 8) return false;
  const std::size_t hash = hash_key(entry->key);
  const std::size_t start = shard_index(hash);
  RemovedEntries removed;  // freed when this returns, after the locks
  {
    Shard& shard = *shards_[start];
    std::lock_guard lock(shard.mutex);
    shard.fifo.insert(std::move(entry), hash, charge, capacity_, removed);
  }
  make_room(start, removed);
  return true;
}

void MemoryStore::make_room(std::size_t start, RemovedEntries& removed) {
  // Usually a no-op: the inserting shard evicts its own keys first. Only when
  // it held nothing else to evict do other shards give up a key each.
  const std::size_t count = shards_.size();
  std::size_t since_last_eviction = 0;
  for (std::size_t i = 1; bytes_.load(std::memory_order_relaxed) > capacity_; ++i) {
    if (since_last_eviction++ == count) break;  // every shard empty
    Shard& shard = *shards_[(start + i) % count];
    std::lock_guard lock(shard.mutex);
    if (shard.fifo.evict_one(removed)) since_last_eviction = 0;
  }
}

std::size_t MemoryStore::erase(std::string_view key) {
  const std::size_t hash = hash_key(key);
  Shard& shard = *shards_[shard_index(hash)];
  RemovedEntries removed;  // destroyed after `lock` releases the shard
  std::lock_guard lock(shard.mutex);
  return shard.fifo.erase(key, hash, removed);
}

bool MemoryStore::erase_variant(const CacheEntry& like) {
  const std::size_t hash = hash_key(like.key);
  Shard& shard = *shards_[shard_index(hash)];
  RemovedEntries removed;  // destroyed after `lock` releases the shard
  std::lock_guard lock(shard.mutex);
  return shard.fifo.erase_variant(like, hash, removed);
}

std::size_t MemoryStore::purge(const PurgeRequest& request) {
  const PurgeMatcher matcher(request);
  const std::function<bool(const CacheEntry&)> matches = [&matcher](const CacheEntry& entry) {
    return matcher.matches(entry);
  };
  std::size_t count = 0;
  for (const auto& shard : shards_) {
    RemovedEntries removed;  // destroyed after `lock` releases the shard
    std::lock_guard lock(shard->mutex);
    count += shard->fifo.remove_if(matches, removed);
  }
  return count;
}

void MemoryStore::charge_more(std::string_view key, std::size_t /*bytes*/) {
  const std::size_t hash = hash_key(key);
  const std::size_t start = shard_index(hash);
  RemovedEntries removed;
  {
    Shard& shard = *shards_[start];
    std::lock_guard lock(shard.mutex);
    shard.fifo.recharge(key, hash, capacity_, removed);
  }
  make_room(start, removed);
}

StoreStats MemoryStore::stats() const {
  StoreStats stats;
  stats.bytes = bytes_.load(std::memory_order_relaxed);
  stats.entries = entries_.load(std::memory_order_relaxed);
  stats.evictions = evictions_.load(std::memory_order_relaxed);
  stats.capacity = capacity_;
  return stats;
}

}  // namespace centinela::cache
