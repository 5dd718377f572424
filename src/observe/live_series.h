// The dashboard's per-second counts over the last 15 minutes. Workers add to
// their own cache-line-padded counters (relaxed atomics, no lock); once a
// second the admin thread takes what they added (exchange with 0) and writes
// it into that second's slot of a 900-slot ring. Memory: 900 × kLiveCounts
// × 8 B ≈ 86 KiB, whatever the traffic.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace centinela::observe {

// What is counted per second. A new panel's count is one more name here
// (and in kLiveCountNames).
enum class LiveCount : std::size_t {
  requests,
  errors_5xx,
  errors_4xx,
  cache_hits,
  cache_misses,
  offloaded_requests,  // answered without the origin (cache hit or stale)
  offloaded_bytes,     // bytes sent by those answers
  bytes_sent,
  compression_saved_bytes,
  rate_limited,
  waf_blocked,
  count_  // not a count: the number of them
};
inline constexpr std::size_t kLiveCounts = static_cast<std::size_t>(LiveCount::count_);
// The JSON names, in enum order.
inline constexpr std::array<std::string_view, kLiveCounts> kLiveCountNames = {
    "requests",        "errors_5xx",   "errors_4xx",
    "cache_hits",      "cache_misses", "offloaded_requests",
    "offloaded_bytes", "bytes_sent",   "compression_saved_bytes",
    "rate_limited",    "waf_blocked"};

// One second of the ring; `connections` is sampled at the tick.
struct LiveSecond {
  std::int64_t second = -1;  // unix time; -1: empty
  std::array<std::uint64_t, kLiveCounts> counts{};
  std::uint64_t connections = 0;
};

class Counter;

class LiveSeries {
 public:
  static constexpr std::size_t kSeconds = 900;

  explicit LiveSeries(unsigned slots);

  // Also adds to `counter` what is counted as `what` (a Prometheus twin for
  // the counts no other metric has). Start-up only.
  void mirror(LiveCount what, Counter& counter) {
    mirrors_[static_cast<std::size_t>(what)] = &counter;
  }

  // Request path: the calling worker's counter.
  void add(LiveCount what, std::uint64_t n = 1) noexcept;
  // Request path with live stats off (admin.live_stats: false): only the
  // Prometheus twin, if `what` has one; the per-second cells stay untouched.
  void add_twin_only(LiveCount what, std::uint64_t n) noexcept;

  // Admin thread, once a second.
  void tick(std::int64_t unix_second, std::uint64_t active_connections);
  // Seconds after `since`, oldest first.
  std::vector<LiveSecond> seconds_after(std::int64_t since) const;

 private:
  struct alignas(64) Slot {
    std::array<std::atomic<std::uint64_t>, kLiveCounts> counts{};
  };

  std::unique_ptr<Slot[]> slots_;
  unsigned slot_count_;
  std::array<Counter*, kLiveCounts> mirrors_{};
  mutable std::mutex mutex_;  // admin thread(s) only
  std::unique_ptr<std::array<LiveSecond, kSeconds>> ring_;
};

}  // namespace centinela::observe
