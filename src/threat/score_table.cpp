#include "threat/score_table.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <new>
#include <queue>
#include <thread>

namespace centinela::threat {
namespace {

constexpr std::uint32_t kMinCapacity = 16;
constexpr unsigned kSweepPerInsert = 2;
constexpr unsigned kEvictionSamples = 8;
// A score below this counts as nothing: the client may be forgotten.
constexpr double kNegligible = 0.01;

struct Slot {
  std::uint64_t fp = 0;  // 0: empty
  std::int64_t updated_ns = 0;
  std::int64_t ban_until_ns = 0;  // 0: never banned (level memory runs from it)
  float score = 0;
  std::uint8_t kind = 0;
  std::uint8_t level = 0;
  std::uint16_t name_len = 0;  // users: bytes at `who.name`
  union {
    std::uint8_t address[16];  // ips
    char* name;                // users: owned, name_len bytes
  } who{};
};
static_assert(sizeof(Slot) == 48);

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

double decayed(const Slot& slot, const Rules& rules, std::int64_t now_ns) {
  if (now_ns <= slot.updated_ns || slot.score == 0) return slot.score;
  const double half_lives =
      static_cast<double>(now_ns - slot.updated_ns) / static_cast<double>(rules.half_life_ns);
  return slot.score * std::exp2(-half_lives);
}

bool level_remembered(const Slot& slot, const Rules& rules, std::int64_t now_ns) {
  return slot.level > 0 && now_ns < slot.ban_until_ns + rules.forget_after_ns;
}

// Which clients a full shard gives up first: the lower the sooner.
std::pair<int, double> keep_priority(const Slot& slot, const Rules& rules, std::int64_t now_ns) {
  if (slot.ban_until_ns > now_ns) return {2, 0.0};
  if (level_remembered(slot, rules, now_ns)) return {1, decayed(slot, rules, now_ns)};
  return {0, decayed(slot, rules, now_ns)};
}

std::string name_of(const Slot& slot) {
  if (slot.kind == static_cast<std::uint8_t>(ClientKind::ip)) {
    IpBytes address;
    std::memcpy(address.data(), slot.who.address, address.size());
    return format_ip(address);
  }
  return std::string(slot.who.name, slot.name_len);
}

std::uint32_t max_capacity_for(std::uint32_t max_size) { return max_size + max_size / 3 + 2; }

std::uint32_t per_shard(std::uint64_t max_clients) {
  const std::uint64_t per = (max_clients + ScoreTable::kShardCount - 1) / ScoreTable::kShardCount;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(per, 1, UINT32_MAX / 2));
}

}  // namespace

struct alignas(64) ScoreTable::Shard {
  mutable SpinLock lock;
  Slot* slots = nullptr;
  std::uint32_t capacity = 0;
  std::uint32_t size = 0;
  std::uint32_t sweep_cursor = 0;
  std::uint32_t max_size = 1;
  std::uint64_t rng = 0x9e3779b97f4a7c15ull;
  std::size_t name_bytes = 0;

  ~Shard() {
    for (std::uint32_t i = 0; i < capacity; ++i) release(slots[i]);
    delete[] slots;
  }

  std::uint32_t home(std::uint64_t fp) const {
    return static_cast<std::uint32_t>(((fp & 0xffffffffu) * capacity) >> 32);
  }
  std::uint32_t next(std::uint32_t i) const { return i + 1 == capacity ? 0 : i + 1; }
  std::uint32_t random_index() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<std::uint32_t>(((rng & 0xffffffffu) * capacity) >> 32);
  }

  void release(Slot& slot) {
    if (slot.fp != 0 && slot.kind == static_cast<std::uint8_t>(ClientKind::user)) {
      name_bytes -= slot.name_len;
      delete[] slot.who.name;
    }
    slot = Slot{};
  }

  Slot* find(std::uint64_t fp) const {
    if (capacity == 0) return nullptr;
    for (std::uint32_t i = home(fp);; i = next(i)) {
      if (slots[i].fp == fp) return &slots[i];
      if (slots[i].fp == 0) return nullptr;
    }
  }

  // Empties slot i and shifts later members of its probe run back, so
  // lookups never need tombstones.
  void remove_at(std::uint32_t i) {
    release(slots[i]);
    --size;
    for (std::uint32_t j = next(i); slots[j].fp != 0; j = next(j)) {
      const std::uint32_t k = home(slots[j].fp);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots[i] = slots[j];
      slots[j] = Slot{};
      i = j;
    }
  }

  bool rebuild(std::uint32_t new_capacity) {
    auto* fresh = new (std::nothrow) Slot[new_capacity];
    if (fresh == nullptr) return false;
    Slot* old = slots;
    const std::uint32_t old_capacity = capacity;
    slots = fresh;
    capacity = new_capacity;
    sweep_cursor = 0;
    for (std::uint32_t i = 0; i < old_capacity; ++i) {
      if (old[i].fp == 0) continue;
      std::uint32_t j = home(old[i].fp);
      while (slots[j].fp != 0) j = next(j);
      slots[j] = old[i];  // moves the name's ownership
    }
    delete[] old;
    return true;
  }

  // Forgets clients with nothing left to remember, a few slots per insert.
  void sweep_some(const Rules& rules, std::int64_t now_ns) {
    for (unsigned n = 0; n < kSweepPerInsert && size > 0; ++n) {
      if (sweep_cursor >= capacity) sweep_cursor = 0;
      const Slot& slot = slots[sweep_cursor];
      if (slot.fp != 0 && slot.ban_until_ns <= now_ns && !level_remembered(slot, rules, now_ns) &&
          decayed(slot, rules, now_ns) < kNegligible) {
        remove_at(sweep_cursor);  // a later slot may move here: look again next time
      } else {
        ++sweep_cursor;
      }
    }
  }

  // The coldest of a few sampled clients goes.
  void evict_one(const Rules& rules, std::int64_t now_ns) {
    std::uint32_t victim = capacity;
    std::pair<int, double> lowest{3, 0.0};
    unsigned sampled = 0;
    for (unsigned tries = 0; tries < 8 * kEvictionSamples && sampled < kEvictionSamples; ++tries) {
      const std::uint32_t i = random_index();
      if (slots[i].fp == 0) continue;
      ++sampled;
      const auto priority = keep_priority(slots[i], rules, now_ns);
      if (priority < lowest) {
        lowest = priority;
        victim = i;
      }
    }
    if (victim == capacity) {  // sampling missed: the first occupied slot
      victim = 0;
      while (slots[victim].fp == 0) ++victim;
    }
    remove_at(victim);
  }

  // The slot for a new client, or nullptr when memory is exhausted.
  Slot* insert(const ClientKey& key, std::uint64_t fp, const Rules& rules, std::int64_t now_ns) {
    const std::uint32_t max_capacity = max_capacity_for(max_size);
    if (capacity == 0 && !rebuild(std::min(kMinCapacity, max_capacity))) return nullptr;
    sweep_some(rules, now_ns);
    while (size >= max_size) evict_one(rules, now_ns);
    if (capacity > max_capacity) {
      rebuild(max_capacity);  // the bound was lowered
    } else if ((size + 1) * 4 > capacity * 3 && capacity < max_capacity) {
      rebuild(std::min(capacity * 2, max_capacity));
    }
    if (size + 1 >= capacity) return nullptr;  // could not grow: keep a free slot
    std::uint32_t i = home(fp);
    while (slots[i].fp != 0) i = next(i);
    Slot& slot = slots[i];
    slot.fp = fp;
    slot.kind = static_cast<std::uint8_t>(key.kind);
    if (key.kind == ClientKind::ip) {
      const auto address = parse_ip(key.name).value_or(IpBytes{});
      std::memcpy(slot.who.address, address.data(), address.size());
    } else {
      const std::size_t length = std::min(key.name.size(), kMaxStoredName);
      slot.who.name = new char[length];
      std::memcpy(slot.who.name, key.name.data(), length);
      slot.name_len = static_cast<std::uint16_t>(length);
      name_bytes += length;
    }
    ++size;
    return &slot;
  }

  template <typename Visit>
  void for_each(Visit visit) const {
    for (std::uint32_t i = 0; i < capacity; ++i) {
      if (slots[i].fp != 0) visit(slots[i]);
    }
  }
};

ScoreTable::ScoreTable(std::uint64_t max_clients) : shards_(new Shard[kShardCount]) {
  set_max_clients(max_clients);
}

ScoreTable::~ScoreTable() = default;

void ScoreTable::set_max_clients(std::uint64_t max_clients) {
  const std::uint32_t max_size = per_shard(max_clients);
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    shards_[i].max_size = max_size;
  }
}

ScoreTable::Shard& ScoreTable::shard_for(std::uint64_t fp) const { return shards_[fp >> 56]; }

std::optional<BanState> ScoreTable::add(const ClientKey& key, std::uint64_t fp, double points,
                                        const Rules& rules, bool may_ban, std::int64_t now_ns) {
  Shard& shard = shard_for(fp);
  std::lock_guard guard(shard.lock);
  Slot* slot = shard.find(fp);
  if (slot == nullptr) {
    if (points <= 0) return std::nullopt;
    slot = shard.insert(key, fp, rules, now_ns);
    if (slot == nullptr) return std::nullopt;
  }
  double score = decayed(*slot, rules, now_ns) + points;
  slot->updated_ns = now_ns;
  if (!level_remembered(*slot, rules, now_ns)) slot->level = 0;
  if (may_ban && slot->ban_until_ns <= now_ns && score >= rules.ban_score) {
    const int level = std::min(slot->level + 1, 255);
    const std::size_t step = std::min<std::size_t>(level, rules.durations_ns.size());
    slot->level = static_cast<std::uint8_t>(level);
    slot->ban_until_ns = now_ns + (step > 0 ? rules.durations_ns[step - 1] : 60'000'000'000);
    slot->score = 0;
    return BanState{level, slot->ban_until_ns, score};
  }
  slot->score = static_cast<float>(std::min(score, 1e9));
  return std::nullopt;
}

std::optional<BanState> ScoreTable::banned(std::uint64_t fp, std::int64_t now_ns) const {
  Shard& shard = shard_for(fp);
  std::lock_guard guard(shard.lock);
  const Slot* slot = shard.find(fp);
  if (slot == nullptr || slot->ban_until_ns <= now_ns) return std::nullopt;
  return BanState{slot->level, slot->ban_until_ns};
}

double ScoreTable::score(std::uint64_t fp, const Rules& rules, std::int64_t now_ns) const {
  Shard& shard = shard_for(fp);
  std::lock_guard guard(shard.lock);
  const Slot* slot = shard.find(fp);
  return slot == nullptr ? 0.0 : decayed(*slot, rules, now_ns);
}

BanState ScoreTable::set_ban(const ClientKey& key, std::uint64_t fp, int level,
                             std::int64_t until_ns, const Rules& rules, std::int64_t now_ns) {
  Shard& shard = shard_for(fp);
  std::lock_guard guard(shard.lock);
  Slot* slot = shard.find(fp);
  if (slot == nullptr) slot = shard.insert(key, fp, rules, now_ns);
  if (slot == nullptr) return BanState{};
  if (level <= 0) level = (level_remembered(*slot, rules, now_ns) ? slot->level : 0) + 1;
  slot->level = static_cast<std::uint8_t>(std::clamp(level, 1, 255));
  slot->ban_until_ns = until_ns;
  slot->score = 0;
  slot->updated_ns = now_ns;
  return BanState{slot->level, until_ns};
}

bool ScoreTable::lift(std::uint64_t fp) {
  Shard& shard = shard_for(fp);
  std::lock_guard guard(shard.lock);
  Slot* slot = shard.find(fp);
  if (slot == nullptr) return false;
  shard.remove_at(static_cast<std::uint32_t>(slot - shard.slots));
  return true;
}

std::vector<ClientInfo> ScoreTable::bans(std::int64_t now_ns) const {
  std::vector<ClientInfo> out;
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    shards_[i].for_each([&](const Slot& slot) {
      if (slot.ban_until_ns <= now_ns) return;
      out.push_back(ClientInfo{static_cast<ClientKind>(slot.kind), name_of(slot), slot.score,
                               slot.level, slot.ban_until_ns, slot.updated_ns});
    });
  }
  std::sort(out.begin(), out.end(), [](const ClientInfo& a, const ClientInfo& b) {
    return a.ban_until_ns > b.ban_until_ns;
  });
  return out;
}

std::size_t ScoreTable::bans_active(std::int64_t now_ns) const {
  std::size_t count = 0;
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    shards_[i].for_each([&](const Slot& slot) { count += slot.ban_until_ns > now_ns ? 1 : 0; });
  }
  return count;
}

std::vector<ClientInfo> ScoreTable::top(std::size_t limit, const Rules& rules,
                                        std::int64_t now_ns) const {
  // Banned first, then by score; a bounded heap keeps the best `limit`, and
  // only those get their names formatted.
  using Rank = std::pair<bool, double>;
  auto worse = [](const std::pair<Rank, ClientInfo>& a, const std::pair<Rank, ClientInfo>& b) {
    return a.first > b.first;
  };
  std::priority_queue<std::pair<Rank, ClientInfo>, std::vector<std::pair<Rank, ClientInfo>>,
                      decltype(worse)>
      best(worse);
  if (limit == 0) return {};
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    shards_[i].for_each([&](const Slot& slot) {
      const Rank rank{slot.ban_until_ns > now_ns, decayed(slot, rules, now_ns)};
      if (!rank.first && rank.second < kNegligible) return;
      if (best.size() == limit && !(best.top().first < rank)) return;
      best.emplace(rank, ClientInfo{static_cast<ClientKind>(slot.kind), name_of(slot), rank.second,
                                    slot.level, slot.ban_until_ns, slot.updated_ns});
      if (best.size() > limit) best.pop();
    });
  }
  std::vector<ClientInfo> out;
  while (!best.empty()) {
    out.push_back(best.top().second);
    best.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::size_t ScoreTable::size() const {
  std::size_t total = 0;
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    total += shards_[i].size;
  }
  return total;
}

std::size_t ScoreTable::memory_bytes() const {
  std::size_t total = sizeof(*this) + kShardCount * sizeof(Shard);
  for (unsigned i = 0; i < kShardCount; ++i) {
    std::lock_guard guard(shards_[i].lock);
    total += std::size_t{shards_[i].capacity} * sizeof(Slot) + shards_[i].name_bytes;
  }
  return total;
}

std::size_t ScoreTable::memory_bound(std::uint64_t max_clients) {
  return sizeof(ScoreTable) + kShardCount * sizeof(Shard) +
         kShardCount * std::size_t{max_capacity_for(per_shard(max_clients))} * sizeof(Slot);
}

}  // namespace centinela::threat
