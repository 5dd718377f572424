// Where the cache takes "now" from: every freshness, age and storage decision
// is a function of this time, injected, so the rules can be driven through
// hours of a resource's life in a test without waiting a second.
#pragma once

#include <atomic>
#include <cstdint>

namespace centinela::cache {

class Clock {
 public:
  virtual ~Clock() = default;
  // Whole seconds since the Unix epoch.
  virtual std::int64_t now() const = 0;
};

// The system's wall clock (what HTTP dates are written in).
const Clock& system_clock();

// Time that moves only when told (tests). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start) : now_(start) {}
  std::int64_t now() const override { return now_.load(std::memory_order_relaxed); }
  void advance(std::int64_t seconds) { now_.fetch_add(seconds, std::memory_order_relaxed); }
  void set(std::int64_t seconds) { now_.store(seconds, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace centinela::cache
