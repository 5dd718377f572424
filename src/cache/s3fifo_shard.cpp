#include "cache/s3fifo_shard.h"

#include <utility>

#include "cache/memory_store.h"

namespace centinela::cache {
namespace {

// S3-FIFO's frequency counter is two bits.
constexpr std::uint8_t kMaxUses = 3;
// What glibc's malloc adds to a block (header and rounding), on average.
constexpr std::size_t kAllocationOverhead = 16;
// std::string keeps up to 15 characters inline.
constexpr std::size_t kInlineStringCapacity = 15;

std::size_t heap_bytes(const std::string& text) {
  if (text.capacity() <= kInlineStringCapacity) return 0;
  return text.capacity() + 1 + kAllocationOverhead;
}

}  // namespace

void S3FifoShard::Fifo::push_back(Node* node) {
  node->prev = tail;
  node->next = nullptr;
  if (tail) {
    tail->next = node;
  } else {
    head = node;
  }
  tail = node;
  bytes += node->bytes;
  ++count;
}

void S3FifoShard::Fifo::unlink(Node* node) {
  if (node->prev) {
    node->prev->next = node->next;
  } else {
    head = node->next;
  }
  if (node->next) {
    node->next->prev = node->prev;
  } else {
    tail = node->prev;
  }
  node->prev = node->next = nullptr;
  bytes -= node->bytes;
  --count;
}

std::size_t S3FifoShard::KeyHash::operator()(const std::string& key) const {
  return std::hash<std::string_view>{}(key);
}

std::size_t S3FifoShard::index_bytes(const std::string& key, std::size_t variant_capacity) {
  // A libstdc++ hash-map node holds the next pointer, the key, the value and
  // the cached hash; the bucket array adds about one pointer per key.
  constexpr std::size_t kMapNode = sizeof(void*) + sizeof(std::string) + sizeof(Node) +
                                   sizeof(std::size_t) + kAllocationOverhead + sizeof(void*);
  std::size_t bytes = kMapNode + heap_bytes(key);
  if (variant_capacity > 0) bytes += variant_capacity * sizeof(Variant) + kAllocationOverhead;
  return bytes;
}

S3FifoShard::S3FifoShard(const StoreCounters& counters, std::uint64_t small_queue_bytes)
    : counters_(counters), small_queue_bytes_(small_queue_bytes) {}

S3FifoShard::~S3FifoShard() = default;

void S3FifoShard::add_bytes(Node& node, std::int64_t delta) {
  node.bytes += delta;
  fifo(node.queue).bytes += delta;
  counters_.bytes.fetch_add(static_cast<std::uint64_t>(delta), std::memory_order_relaxed);
}

void S3FifoShard::refresh_index_bytes(Node& node) {
  const std::size_t now = index_bytes(*node.key, node.variants.capacity());
  add_bytes(node, static_cast<std::int64_t>(now) - static_cast<std::int64_t>(node.index_bytes));
  node.index_bytes = now;
}

EntryPtr S3FifoShard::find(std::string_view key, std::size_t hash,
                           const std::function<bool(const CacheEntry&)>& accept) {
  const auto it = map_.find(HashedKey{key, hash});
  if (it == map_.end()) return nullptr;
  Node& node = it->second;
  for (auto variant = node.variants.rbegin(); variant != node.variants.rend(); ++variant) {
    if (!accept || accept(*variant->entry)) {
      if (node.uses < kMaxUses) ++node.uses;
      return variant->entry;
    }
  }
  return nullptr;
}

void S3FifoShard::insert(EntryPtr entry, std::size_t hash, std::size_t charge,
                         std::uint64_t capacity, RemovedEntries& removed) {
  auto it = map_.find(HashedKey{entry->key, hash});
  if (it == map_.end()) {
    // A key evicted from the small FIFO lately and wanted again has proved
    // itself: it skips probation.
    const Queue queue = take_ghost(hash) ? Queue::main : Queue::small;
    it = map_.try_emplace(entry->key).first;
    Node& node = it->second;
    node.key = &it->first;
    node.hash = hash;
    node.queue = queue;
    fifo(queue).push_back(&node);
  } else {
    Node& node = it->second;
    for (std::size_t i = 0; i < node.variants.size(); ++i) {
      const CacheEntry& stored = *node.variants[i].entry;
      if (stored.vary_names == entry->vary_names && stored.vary_values == entry->vary_values) {
        remove_variant(node, i, removed);
        break;
      }
    }
    if (node.variants.size() >= kMaxVariantsPerKey) remove_variant(node, 0, removed);
  }
  Node& node = it->second;
  node.variants.push_back(Variant{std::move(entry), charge});
  counters_.entries.fetch_add(1, std::memory_order_relaxed);
  add_bytes(node, static_cast<std::int64_t>(charge));
  refresh_index_bytes(node);
  make_room(&node, capacity, removed);
}

void S3FifoShard::remove_variant(Node& node, std::size_t index, RemovedEntries& removed) {
  Variant& variant = node.variants[index];
  add_bytes(node, -static_cast<std::int64_t>(variant.charged));
  removed.push_back(std::move(variant.entry));
  node.variants.erase(node.variants.begin() + static_cast<std::ptrdiff_t>(index));
  counters_.entries.fetch_sub(1, std::memory_order_relaxed);
}

S3FifoShard::Map::iterator S3FifoShard::remove_node(Map::iterator it, RemovedEntries& removed,
                                                    bool evicted) {
  Node& node = it->second;
  const std::size_t count = node.variants.size();
  for (Variant& variant : node.variants) removed.push_back(std::move(variant.entry));
  fifo(node.queue).unlink(&node);
  counters_.bytes.fetch_sub(node.bytes, std::memory_order_relaxed);
  counters_.entries.fetch_sub(count, std::memory_order_relaxed);
  if (evicted) counters_.evictions.fetch_add(count, std::memory_order_relaxed);
  it = map_.erase(it);
  trim_ghosts();
  return it;
}

std::size_t S3FifoShard::erase(std::string_view key, std::size_t hash, RemovedEntries& removed) {
  const auto it = map_.find(HashedKey{key, hash});
  if (it == map_.end()) return 0;
  const std::size_t count = it->second.variants.size();
  remove_node(it, removed, false);
  return count;
}

bool S3FifoShard::erase_variant(const CacheEntry& like, std::size_t hash, RemovedEntries& removed) {
  const auto it = map_.find(HashedKey{like.key, hash});
  if (it == map_.end()) return false;
  Node& node = it->second;
  for (std::size_t i = 0; i < node.variants.size(); ++i) {
    const CacheEntry& stored = *node.variants[i].entry;
    if (stored.vary_names != like.vary_names || stored.vary_values != like.vary_values) continue;
    remove_variant(node, i, removed);
    if (node.variants.empty()) remove_node(it, removed, false);
    return true;
  }
  return false;
}

std::size_t S3FifoShard::remove_if(const std::function<bool(const CacheEntry&)>& matches,
                                   RemovedEntries& removed) {
  std::size_t count = 0;
  for (auto it = map_.begin(); it != map_.end();) {
    Node& node = it->second;
    for (std::size_t i = node.variants.size(); i-- > 0;) {
      if (matches(*node.variants[i].entry)) {
        remove_variant(node, i, removed);
        ++count;
      }
    }
    if (node.variants.empty()) {
      it = remove_node(it, removed, false);
    } else {
      ++it;
    }
  }
  return count;
}

void S3FifoShard::recharge(std::string_view key, std::size_t hash, std::uint64_t capacity,
                           RemovedEntries& removed) {
  const auto it = map_.find(HashedKey{key, hash});
  if (it == map_.end()) return;
  Node& node = it->second;
  for (Variant& variant : node.variants) {
    const std::size_t now = variant.entry->charge();
    if (now <= variant.charged) continue;
    add_bytes(node, static_cast<std::int64_t>(now - variant.charged));
    variant.charged = now;
  }
  make_room(&node, capacity, removed);
}

void S3FifoShard::make_room(const Node* keep, std::uint64_t capacity, RemovedEntries& removed) {
  while (counters_.bytes.load(std::memory_order_relaxed) > capacity &&
         evict_one_except(keep, removed)) {
  }
}

bool S3FifoShard::evict_one_except(const Node* keep, RemovedEntries& removed) {
  const bool small_first = small_.bytes >= small_queue_bytes_;
  if (small_first && evict_from_small(keep, removed)) return true;
  if (evict_from_main(keep, removed)) return true;
  return !small_first && evict_from_small(keep, removed);
}

bool S3FifoShard::evict_from_small(const Node* keep, RemovedEntries& removed) {
  while (Node* head = small_.head) {
    if (head == keep) {
      if (small_.count == 1) return false;
      small_.unlink(head);
      small_.push_back(head);
      continue;
    }
    if (head->uses > 0) {
      // Used while on probation: promoted, its uses cleared.
      small_.unlink(head);
      head->queue = Queue::main;
      head->uses = 0;
      main_.push_back(head);
      continue;
    }
    remember_ghost(head->hash);
    remove_node(map_.find(HashedKey{*head->key, head->hash}), removed, true);
    return true;
  }
  return false;
}

bool S3FifoShard::evict_from_main(const Node* keep, RemovedEntries& removed) {
  // Ends: each pass over the FIFO decrements every other node's uses, so
  // within kMaxUses + 1 passes an unused node reaches the head.
  while (Node* head = main_.head) {
    if (head == keep && main_.count == 1) return false;
    if (head == keep || head->uses > 0) {
      if (head != keep) --head->uses;
      main_.unlink(head);
      main_.push_back(head);
      continue;
    }
    remove_node(map_.find(HashedKey{*head->key, head->hash}), removed, true);
    return true;
  }
  return false;
}

void S3FifoShard::remember_ghost(std::size_t hash) {
  if (!ghosts_.insert(hash).second) return;
  ghost_fifo_.push_back(hash);
  counters_.bytes.fetch_add(kGhostBytes, std::memory_order_relaxed);
  trim_ghosts();
}

bool S3FifoShard::take_ghost(std::size_t hash) {
  // Its FIFO slot stays until it reaches the front (and is still counted).
  return ghosts_.erase(hash) > 0;
}

void S3FifoShard::trim_ghosts() {
  while (ghost_fifo_.size() > map_.size()) {
    // A hash taken and remembered again has two slots; the older one then
    // forgets it early, which only costs S3-FIFO one ghost.
    ghosts_.erase(ghost_fifo_.front());
    ghost_fifo_.pop_front();
    counters_.bytes.fetch_sub(kGhostBytes, std::memory_order_relaxed);
  }
}

}  // namespace centinela::cache
