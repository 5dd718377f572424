// The in-process rate-limit store: one per process, shared by every worker
// and by every config generation (keys carry route and policy names, so a
// reload keeps counting where it was).
//
// 256 shards picked by the key fingerprint's top byte; each is an
// open-addressing table (linear probing, backward-shift deletion) of 24-byte
// slots {fingerprint, expiry, state} behind a spinlock held for one decision,
// a few dozen nanoseconds. Two workers rarely want the same shard at once.
//
// State per key: GCRA keeps its TAT inline; a sliding window keeps a pointer
// to its SlidingLog. A key expires when it is back to the state of a new key
// (GCRA: TAT <= now; sliding: newest admission out of the window). Expired
// keys are reclaimed by an incremental sweep (two slots per insert) and by a
// full pass over a shard before it would grow, so the memory follows the keys
// that are live, not every key ever seen: a million live GCRA keys take about
// 50 MiB. Tables shrink again at those passes when mostly empty.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "limit/decision.h"
#include "limit/policy.h"

namespace centinela::limit {

class LocalStore {
 public:
  static constexpr unsigned kShardCount = 256;

  LocalStore();
  ~LocalStore();
  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;

  // The process-wide store the stages use. Never destroyed.
  static LocalStore& global();

  // Decides for one request of key `fingerprint` (never 0) under `policy`.
  Decision decide(std::uint64_t fingerprint, const Policy& policy, std::int64_t now_ns);
  // The key's state without spending; nullopt when the store holds nothing
  // for it (a new key: full quota).
  std::optional<Decision> peek(std::uint64_t fingerprint, const Policy& policy,
                               std::int64_t now_ns);
  // Forgets the key; false when it was not held.
  bool erase(std::uint64_t fingerprint);

  // Keys held (expired ones not yet reclaimed included).
  std::size_t size() const;
  // Bytes the store holds: tables, logs and the store itself.
  std::size_t memory_bytes() const;
  // Reclaims every expired key now (tests, admin).
  void reclaim_expired(std::int64_t now_ns);

  // The clock the stages use: steady, in nanoseconds.
  static std::int64_t now_ns();

 private:
  struct Shard;
  Shard& shard_for(std::uint64_t fingerprint);
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace centinela::limit
