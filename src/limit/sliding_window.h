// The exact sliding window ("sliding log"): a request at `now` is admitted
// when fewer than `limit` requests were admitted in (now - window, now], so
// no window of length `window` ever holds more than `limit` admissions.
//
// Each key keeps the timestamps of its admissions still inside the window, in
// a ring that grows on demand up to `limit` entries (8 bytes each): memory per
// key follows the traffic the key actually had, up to limit * 8 bytes.
// `remaining` is limit minus the admissions in the window; `reset` is when the
// newest leaves the window (the full quota is back); a refused request may
// retry when the oldest leaves it.
#pragma once

#include <cstdint>

#include "limit/decision.h"
#include "limit/policy.h"

namespace centinela::limit {

class SlidingLog {
 public:
  SlidingLog() = default;
  ~SlidingLog();
  SlidingLog(const SlidingLog&) = delete;
  SlidingLog& operator=(const SlidingLog&) = delete;

  std::uint32_t count() const { return count_; }
  std::uint32_t capacity() const { return capacity_; }
  std::int64_t oldest() const { return times_[head_]; }
  std::int64_t newest() const { return times_[(head_ + count_ - 1) % capacity_]; }
  // Heap bytes held, the object itself included.
  std::size_t memory_bytes() const { return sizeof(*this) + capacity_ * sizeof(std::int64_t); }

  // Forgets admissions at or before `horizon`.
  void drop_until(std::int64_t horizon);
  // Appends; grows the ring (up to max_entries) when full. False when the
  // ring is full at max_entries or memory is exhausted.
  bool push(std::int64_t time, std::uint64_t max_entries);

 private:
  std::int64_t* times_ = nullptr;
  std::uint32_t capacity_ = 0;
  std::uint32_t head_ = 0;
  std::uint32_t count_ = 0;
};

Decision sliding_window_decide(SlidingLog& log, const Policy& policy, std::int64_t now_ns);
Decision sliding_window_peek(SlidingLog& log, const Policy& policy, std::int64_t now_ns);

}  // namespace centinela::limit
