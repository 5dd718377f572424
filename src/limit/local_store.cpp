#include "limit/local_store.h"

#include <chrono>
#include <cstring>
#include <new>
#include <thread>

#include "limit/gcra.h"
#include "limit/sliding_window.h"

namespace centinela::limit {
namespace {

// Bit 0 of a stored fingerprint says what `state` holds; bit 1 is always set
// so that 0 can mean "empty slot".
constexpr std::uint64_t kSlidingBit = 1;
constexpr std::uint64_t kNonZeroBit = 2;
constexpr std::uint32_t kMinCapacity = 16;
constexpr unsigned kSweepPerInsert = 2;

std::uint64_t stored_fingerprint(std::uint64_t fingerprint, Algorithm algorithm) {
  return (fingerprint & ~kSlidingBit) | kNonZeroBit |
         (algorithm == Algorithm::sliding_window ? kSlidingBit : 0);
}

struct Slot {
  std::uint64_t fingerprint = 0;  // 0: empty
  std::int64_t expires_ns = 0;
  std::uint64_t state = 0;  // GCRA: the TAT; sliding: SlidingLog*
};
static_assert(sizeof(Slot) == 24);

SlidingLog* log_of(const Slot& slot) { return reinterpret_cast<SlidingLog*>(slot.state); }
bool is_sliding(const Slot& slot) { return (slot.fingerprint & kSlidingBit) != 0; }

class SpinLock {
 public:
  void lock() {
    for (unsigned spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 1000) std::this_thread::yield();
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
      }
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace

struct alignas(64) LocalStore::Shard {
  SpinLock lock;
  Slot* slots = nullptr;
  std::uint32_t capacity = 0;  // a power of two
  std::uint32_t size = 0;
  std::uint32_t sweep_cursor = 0;
  std::size_t log_bytes = 0;

  ~Shard() {
    for (std::uint32_t i = 0; i < capacity; ++i) release(slots[i]);
    delete[] slots;
  }

  std::uint32_t mask() const { return capacity - 1; }
  std::uint32_t home(std::uint64_t fingerprint) const {
    return static_cast<std::uint32_t>(fingerprint >> 8) & mask();
  }

  void release(Slot& slot) {
    if (slot.fingerprint != 0 && is_sliding(slot)) {
      log_bytes -= log_of(slot)->memory_bytes();
      delete log_of(slot);
    }
    slot = Slot{};
  }

  Slot* find(std::uint64_t fingerprint) {
    if (capacity == 0) return nullptr;
    for (std::uint32_t i = home(fingerprint);; i = (i + 1) & mask()) {
      if (slots[i].fingerprint == fingerprint) return &slots[i];
      if (slots[i].fingerprint == 0) return nullptr;
    }
  }

  // Empties slot i and shifts later members of its probe run back, so
  // lookups never need tombstones.
  void remove_at(std::uint32_t i) {
    release(slots[i]);
    --size;
    for (std::uint32_t j = (i + 1) & mask(); slots[j].fingerprint != 0; j = (j + 1) & mask()) {
      const std::uint32_t k = home(slots[j].fingerprint);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots[i] = slots[j];
      slots[j] = Slot{};
      i = j;
    }
  }

  void sweep_some(std::int64_t now_ns) {
    if (capacity == 0) return;
    for (unsigned n = 0; n < kSweepPerInsert; ++n) {
      sweep_cursor &= mask();
      Slot& slot = slots[sweep_cursor];
      if (slot.fingerprint != 0 && slot.expires_ns <= now_ns) {
        remove_at(sweep_cursor);  // a later slot may move here: look again next time
      } else {
        ++sweep_cursor;
      }
    }
  }

  // Places every live slot of `old` into a fresh table of `new_capacity`.
  bool rebuild(std::uint32_t new_capacity, std::int64_t now_ns) {
    auto* fresh = new (std::nothrow) Slot[new_capacity];
    if (fresh == nullptr) return false;
    Slot* old = slots;
    const std::uint32_t old_capacity = capacity;
    slots = fresh;
    capacity = new_capacity;
    size = 0;
    sweep_cursor = 0;
    for (std::uint32_t i = 0; i < old_capacity; ++i) {
      if (old[i].fingerprint == 0) continue;
      if (old[i].expires_ns <= now_ns) {
        release(old[i]);
        continue;
      }
      std::uint32_t j = home(old[i].fingerprint);
      while (slots[j].fingerprint != 0) j = (j + 1) & mask();
      slots[j] = old[i];
      ++size;
    }
    delete[] old;
    return true;
  }

  void reclaim_all(std::int64_t now_ns) {
    if (capacity == 0) return;
    std::uint32_t live = 0;
    for (std::uint32_t i = 0; i < capacity; ++i) {
      if (slots[i].fingerprint != 0 && slots[i].expires_ns > now_ns) ++live;
    }
    std::uint32_t target = capacity;
    while (target > kMinCapacity && live * 8 < target) target /= 2;
    rebuild(target, now_ns);
  }

  // The slot for a new key, or nullptr when memory is exhausted.
  Slot* insert(std::uint64_t fingerprint, std::int64_t now_ns) {
    if (capacity == 0 && !rebuild(kMinCapacity, now_ns)) return nullptr;
    sweep_some(now_ns);
    if ((size + 1) * 4 > capacity * 3) {
      // Full: reclaim first, grow only if the live keys need it. Growing once
      // more than half full keeps these O(capacity) passes a quarter of the
      // table's inserts apart.
      reclaim_all(now_ns);
      if ((size + 1) * 2 > capacity && !rebuild(capacity * 2, now_ns) && size + 1 >= capacity) {
        return nullptr;  // out of memory and no free slot
      }
    }
    std::uint32_t i = home(fingerprint);
    while (slots[i].fingerprint != 0) i = (i + 1) & mask();
    slots[i].fingerprint = fingerprint;
    ++size;
    return &slots[i];
  }
};

LocalStore::LocalStore() : shards_(new Shard[kShardCount]) {}
LocalStore::~LocalStore() = default;

LocalStore& LocalStore::global() {
  static LocalStore* store = new LocalStore();
  return *store;
}

std::int64_t LocalStore::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

LocalStore::Shard& LocalStore::shard_for(std::uint64_t fingerprint) {
  return shards_[fingerprint >> 56];
}

Decision LocalStore::decide(std::uint64_t fingerprint, const Policy& policy, std::int64_t now_ns) {
  const std::uint64_t stored = stored_fingerprint(fingerprint, policy.algorithm);
  Shard& shard = shard_for(stored);
  std::lock_guard guard(shard.lock);
  Slot* slot = shard.find(stored);
  if (policy.algorithm == Algorithm::gcra) {
    std::int64_t tat = slot ? static_cast<std::int64_t>(slot->state) : 0;
    Decision decision = gcra_decide(tat, policy, now_ns);
    if (!decision.allowed) return decision;
    if (!slot) slot = shard.insert(stored, now_ns);
    if (!slot) return Decision{false, 0, policy.window_ns, policy.emission_ns};
    slot->state = static_cast<std::uint64_t>(tat);
    slot->expires_ns = tat;
    return decision;
  }
  if (!slot) {
    slot = shard.insert(stored, now_ns);
    if (!slot) return Decision{false, 0, policy.window_ns, policy.window_ns};
    auto* log = new (std::nothrow) SlidingLog();
    if (!log) {
      shard.remove_at(static_cast<std::uint32_t>(slot - shard.slots));
      return Decision{false, 0, policy.window_ns, policy.window_ns};
    }
    slot->state = reinterpret_cast<std::uint64_t>(log);
    shard.log_bytes += log->memory_bytes();
  }
  SlidingLog& log = *log_of(*slot);
  const std::size_t before = log.memory_bytes();
  Decision decision = sliding_window_decide(log, policy, now_ns);
  shard.log_bytes += log.memory_bytes() - before;
  slot->expires_ns = log.count() > 0 ? log.newest() + policy.window_ns : now_ns;
  return decision;
}

std::optional<Decision> LocalStore::peek(std::uint64_t fingerprint, const Policy& policy,
                                         std::int64_t now_ns) {
  const std::uint64_t stored = stored_fingerprint(fingerprint, policy.algorithm);
  Shard& shard = shard_for(stored);
  std::lock_guard guard(shard.lock);
  Slot* slot = shard.find(stored);
  if (!slot || slot->expires_ns <= now_ns) return std::nullopt;
  if (policy.algorithm == Algorithm::gcra) {
    return gcra_peek(static_cast<std::int64_t>(slot->state), policy, now_ns);
  }
  return sliding_window_peek(*log_of(*slot), policy, now_ns);
}

bool LocalStore::erase(std::uint64_t fingerprint) {
  bool erased = false;
  for (Algorithm algorithm : {Algorithm::gcra, Algorithm::sliding_window}) {
    const std::uint64_t stored = stored_fingerprint(fingerprint, algorithm);
    Shard& shard = shard_for(stored);
    std::lock_guard guard(shard.lock);
    if (Slot* slot = shard.find(stored)) {
      shard.remove_at(static_cast<std::uint32_t>(slot - shard.slots));
      erased = true;
    }
  }
  return erased;
}

std::size_t LocalStore::size() const {
  std::size_t total = 0;
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    total += shards_[i].size;
  }
  return total;
}

std::size_t LocalStore::memory_bytes() const {
  std::size_t total = sizeof(*this) + kShardCount * sizeof(Shard);
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    total += std::size_t{shards_[i].capacity} * sizeof(Slot) + shards_[i].log_bytes;
  }
  return total;
}

void LocalStore::reclaim_expired(std::int64_t now_ns) {
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    shards_[i].reclaim_all(now_ns);
  }
}

}  // namespace centinela::limit
