// One shard of the L1 (memory_store.h): primary keys, each with up to
// kMaxVariantsPerKey Vary variants, kept by S3-FIFO (Yang et al., "FIFO
// queues are all you need for cache eviction", SOSP'23):
//  - a new key enters the small FIFO (~10% of the shard's share of bytes);
//  - at the head of the small FIFO a key used since it entered moves to the
//    main FIFO, an unused one is evicted and its hash kept in the ghost FIFO;
//  - a key inserted while its hash is in the ghost FIFO goes straight to main;
//  - at the head of the main FIFO a used key is re-queued with its 2-bit use
//    counter decremented, an unused one is evicted.
// One-hit wonders thus leave through the small FIFO without touching the main
// one. Not thread-safe: MemoryStore holds the shard's mutex around each call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cache/cache_entry.h"

namespace centinela::cache {

// The store's totals, shared by its shards (updated under a shard's lock,
// read without one).
struct StoreCounters {
  std::atomic<std::uint64_t>& bytes;
  std::atomic<std::uint64_t>& entries;
  std::atomic<std::uint64_t>& evictions;
};

// Entries taken out of a shard; the caller drops them after unlocking, so
// freeing large bodies never happens under the lock.
using RemovedEntries = std::vector<EntryPtr>;

class S3FifoShard {
 public:
  // `small_queue_bytes`: the small FIFO's share; above it the small FIFO is
  // evicted from first.
  S3FifoShard(const StoreCounters& counters, std::uint64_t small_queue_bytes);
  ~S3FifoShard();
  S3FifoShard(const S3FifoShard&) = delete;
  S3FifoShard& operator=(const S3FifoShard&) = delete;

  EntryPtr find(std::string_view key, std::size_t hash,
                const std::function<bool(const CacheEntry&)>& accept);

  // Adds `entry` (charged `charge` bytes) under its key, then evicts other
  // keys of this shard while the store is above `capacity`.
  void insert(EntryPtr entry, std::size_t hash, std::size_t charge, std::uint64_t capacity,
              RemovedEntries& removed);

  std::size_t erase(std::string_view key, std::size_t hash, RemovedEntries& removed);

  // Removes the variant of like.key with like's Vary names and values (the
  // key goes when it was the last). Returns whether there was one.
  bool erase_variant(const CacheEntry& like, std::size_t hash, RemovedEntries& removed);

  // Removes every variant `matches` selects (not counted as evictions).
  std::size_t remove_if(const std::function<bool(const CacheEntry&)>& matches,
                        RemovedEntries& removed);

  // Re-reads the charge of `key`'s variants, adds what grew, then evicts
  // other keys while the store is above `capacity`.
  void recharge(std::string_view key, std::size_t hash, std::uint64_t capacity,
                RemovedEntries& removed);

  // Evicts one key by S3-FIFO order. False when the shard is empty.
  bool evict_one(RemovedEntries& removed) { return evict_one_except(nullptr, removed); }

  // Bookkeeping bytes for one key besides its entries' charge(): the map
  // node, the key's copy, the variant vector (an estimate of what the
  // allocator hands out, so the capacity bounds the process's memory).
  static std::size_t index_bytes(const std::string& key, std::size_t variant_capacity);
  // Bookkeeping bytes for one ghost hash (FIFO slot and set node).
  static constexpr std::size_t kGhostBytes = 48;

 private:
  struct Variant {
    EntryPtr entry;
    std::size_t charged;  // what this variant added to the totals
  };
  enum class Queue : std::uint8_t { small, main };
  struct Node {
    const std::string* key = nullptr;  // the map's key (nodes are stable)
    std::size_t hash = 0;
    std::vector<Variant> variants;  // oldest first
    std::size_t bytes = 0;          // variants' charges + index bytes
    std::size_t index_bytes = 0;
    Node* prev = nullptr;
    Node* next = nullptr;
    Queue queue = Queue::small;
    std::uint8_t uses = 0;  // 0..3, S3-FIFO's two-bit frequency
  };
  // A FIFO of nodes linked through them (no allocation to queue or move).
  struct Fifo {
    Node* head = nullptr;
    Node* tail = nullptr;
    std::uint64_t bytes = 0;
    std::size_t count = 0;
    void push_back(Node* node);
    void unlink(Node* node);
  };
  // A key with its hash already computed, for lookups that hash once.
  struct HashedKey {
    std::string_view text;
    std::size_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    // Not noexcept on purpose: libstdc++ then caches each node's hash, so
    // lookups compare hashes before strings and rehashing never re-hashes.
    std::size_t operator()(const std::string& key) const;
    std::size_t operator()(const HashedKey& key) const { return key.hash; }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(const std::string& a, const std::string& b) const { return a == b; }
    bool operator()(const HashedKey& a, const std::string& b) const { return a.text == b; }
    bool operator()(const std::string& a, const HashedKey& b) const { return a == b.text; }
  };
  using Map = std::unordered_map<std::string, Node, KeyHash, KeyEqual>;

  Fifo& fifo(Queue queue) { return queue == Queue::small ? small_ : main_; }
  // Adds `delta` bytes to a node, its FIFO, and the store's total.
  void add_bytes(Node& node, std::int64_t delta);
  void refresh_index_bytes(Node& node);
  void remove_variant(Node& node, std::size_t index, RemovedEntries& removed);
  Map::iterator remove_node(Map::iterator it, RemovedEntries& removed, bool evicted);
  bool evict_one_except(const Node* keep, RemovedEntries& removed);
  bool evict_from_small(const Node* keep, RemovedEntries& removed);
  bool evict_from_main(const Node* keep, RemovedEntries& removed);
  void make_room(const Node* keep, std::uint64_t capacity, RemovedEntries& removed);
  void remember_ghost(std::size_t hash);
  bool take_ghost(std::size_t hash);
  // The ghost FIFO holds at most as many hashes as the shard holds keys.
  void trim_ghosts();

  StoreCounters counters_;
  std::uint64_t small_queue_bytes_;
  Map map_;
  Fifo small_;
  Fifo main_;
  std::deque<std::size_t> ghost_fifo_;
  std::unordered_set<std::size_t> ghosts_;
};

}  // namespace centinela::cache
