// Hit ratio of the L1 (src/cache/memory_store, S3-FIFO) against plain LRU
// with the same byte budget, on Zipf traces. Both policies pay the same per
// key: the entry's charge() plus the store's index estimate; S3-FIFO also pays
// for its ghost hashes out of the same budget. Prints a Markdown table.
//
//   cache_sim [requests] [keys]      (defaults: 1000000 100000)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <list>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/memory_store.h"
#include "cache/s3fifo_shard.h"

namespace {

using centinela::cache::CacheEntry;
using centinela::cache::EntryPtr;
using centinela::cache::MemoryStore;
using centinela::cache::S3FifoShard;

constexpr std::size_t kBodyBytes = 1024;

std::string key_name(std::uint32_t id) { return "api.example.com/objects/" + std::to_string(id); }

EntryPtr make_entry(std::uint32_t id) {
  auto entry = std::make_shared<CacheEntry>();
  entry->key = key_name(id);
  entry->host = "api.example.com";
  entry->path_and_query = entry->key.substr(entry->host.size());
  entry->body.assign(kBodyBytes, 'x');
  return entry;
}

// What the store charges for a key with one variant (its copy of the key is
// exactly sized).
std::size_t cost_per_key(const CacheEntry& entry) {
  return entry.charge() + S3FifoShard::index_bytes(std::string(entry.key), 1);
}

// Key ids drawn from Zipf(alpha) over `keys` ranks; rank r is key
// permutation[r] so popularity is unrelated to the id. With `one_hit_share`
// > 0, that share of requests instead names a key never seen before (a
// crawler, a cache-busting query string).
std::vector<std::uint32_t> zipf_trace(std::size_t requests, std::uint32_t keys, double alpha,
                                      double one_hit_share, std::uint64_t seed) {
  std::vector<double> cdf(keys);
  double total = 0;
  for (std::uint32_t rank = 0; rank < keys; ++rank) {
    total += 1.0 / std::pow(static_cast<double>(rank + 1), alpha);
    cdf[rank] = total;
  }
  std::vector<std::uint32_t> permutation(keys);
  std::iota(permutation.begin(), permutation.end(), 0u);
  std::mt19937_64 random(seed);
  std::shuffle(permutation.begin(), permutation.end(), random);
  std::uniform_real_distribution<double> uniform(0.0, total);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::uint32_t next_one_hit = keys;
  std::vector<std::uint32_t> trace;
  trace.reserve(requests);
  for (std::size_t i = 0; i < requests; ++i) {
    if (one_hit_share > 0 && coin(random) < one_hit_share) {
      trace.push_back(next_one_hit++);
      continue;
    }
    const auto rank = std::lower_bound(cdf.begin(), cdf.end(), uniform(random)) - cdf.begin();
    trace.push_back(permutation[std::min<std::size_t>(rank, keys - 1)]);
  }
  return trace;
}

// The baseline: one recency list, evict the least recently used key.
class LruCache {
 public:
  explicit LruCache(std::uint64_t capacity) : capacity_(capacity) {}

  bool find(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }

  void insert(EntryPtr entry) {
    const std::size_t cost = cost_per_key(*entry);
    order_.push_front(Item{entry->key, std::move(entry), cost});
    index_[order_.front().key] = order_.begin();
    bytes_ += cost;
    while (bytes_ > capacity_) {
      bytes_ -= order_.back().cost;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

 private:
  struct Item {
    std::string key;
    EntryPtr entry;
    std::size_t cost;
  };
  std::uint64_t capacity_;
  std::uint64_t bytes_ = 0;
  std::list<Item> order_;
  std::unordered_map<std::string, std::list<Item>::iterator> index_;
};

double replay_lru(const std::vector<std::uint32_t>& trace, std::uint64_t capacity) {
  LruCache cache(capacity);
  std::size_t hits = 0;
  for (const std::uint32_t id : trace) {
    if (cache.find(key_name(id))) {
      ++hits;
    } else {
      cache.insert(make_entry(id));
    }
  }
  return static_cast<double>(hits) / static_cast<double>(trace.size());
}

double replay_store(const std::vector<std::uint32_t>& trace, std::uint64_t capacity,
                    unsigned shards) {
  MemoryStore store(capacity, shards);
  const auto any = [](const CacheEntry&) { return true; };
  std::size_t hits = 0;
  for (const std::uint32_t id : trace) {
    if (store.find(key_name(id), any)) {
      ++hits;
    } else {
      store.insert(make_entry(id));
    }
  }
  if (store.stats().bytes > capacity) {
    std::fprintf(stderr, "store above its capacity: %llu > %llu\n",
                 static_cast<unsigned long long>(store.stats().bytes),
                 static_cast<unsigned long long>(capacity));
    std::exit(1);
  }
  return static_cast<double>(hits) / static_cast<double>(trace.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t requests = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const auto keys =
      static_cast<std::uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100'000);
  const std::size_t cost = cost_per_key(*make_entry(0));

  std::printf("%zu requests over %u keys, %zu B bodies (%zu B charged per key); cache size as a\n",
              requests, keys, kBodyBytes, cost);
  std::printf(
      "share of the keys' bytes; hit ratio over the whole trace (cold start included).\n\n");
  std::printf(
      "| trace | cache size | LRU | S3-FIFO, 1 shard | S3-FIFO, 16 shards | gain (16 shards) |\n");
  std::printf("|---|---|---|---|---|---|\n");

  struct Workload {
    double alpha;
    double one_hit_share;
  };
  const Workload workloads[] = {{0.8, 0.0}, {1.0, 0.0}, {1.0, 0.25}};
  for (const Workload& workload : workloads) {
    const auto trace = zipf_trace(requests, keys, workload.alpha, workload.one_hit_share, 42);
    for (const double share : {0.01, 0.05, 0.10}) {
      const auto capacity = static_cast<std::uint64_t>(share * keys * static_cast<double>(cost));
      const double lru = replay_lru(trace, capacity);
      const double one_shard = replay_store(trace, capacity, 1);
      const double sixteen = replay_store(trace, capacity, 16);
      char name[64];
      if (workload.one_hit_share > 0) {
        std::snprintf(name, sizeof name, "Zipf %.1f + %.0f%% one-hit", workload.alpha,
                      workload.one_hit_share * 100);
      } else {
        std::snprintf(name, sizeof name, "Zipf %.1f", workload.alpha);
      }
      std::printf("| %s | %.0f%% | %.4f | %.4f | %.4f | %+.2f pt |\n", name, share * 100, lru,
                  one_shard, sixteen, (sixteen - lru) * 100);
      std::fflush(stdout);
    }
  }
  return 0;
}
