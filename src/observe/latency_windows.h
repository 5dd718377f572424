// One series of latencies (a route's or an upstream's) over the last 15
// minutes. Workers record into their own cells (relaxed atomics, no lock, no
// allocation); once a second the admin thread moves what they recorded into
// the current minute's sketch and into a per-second summary, so a window of
// 1, 5 or 15 minutes is a merge of minute sketches.
//
// Memory: cells (workers × 1104 × 4 B) + 16 minute sketches (16 × 1104 × 8 B)
// + 900 per-second summaries (900 × 20 B) ≈ 160 KiB + 4.4 KiB per worker.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "observe/latency_sketch.h"

namespace centinela::observe {

// p50 / p95 / p99 (seconds) of the requests that ended in one second.
struct SecondLatency {
  std::int64_t second = -1;  // unix time; -1: nothing recorded
  std::uint32_t count = 0;
  float p50 = 0, p95 = 0, p99 = 0;
};

class LatencyWindows {
 public:
  static constexpr std::size_t kMinutes = 16;  // the current one and 15 before it
  static constexpr std::size_t kSeconds = 900;

  // `slots`: one per worker (workers beyond share a slot, still correctly).
  explicit LatencyWindows(unsigned slots);
  LatencyWindows(const LatencyWindows&) = delete;
  LatencyWindows& operator=(const LatencyWindows&) = delete;

  // Request path: the calling worker's cell.
  void observe(double seconds) noexcept;

  // Admin thread, once a second: what workers recorded since the last tick
  // belongs to `unix_second`.
  void tick(std::int64_t unix_second);

  // The merge of the minute containing `now_second` and the `minutes` before
  // it (so between `minutes` and `minutes` + 1 minutes of traffic).
  LatencySketch last_minutes(unsigned minutes, std::int64_t now_second) const;
  // Per-second summaries after `since` (unix seconds), oldest first.
  std::vector<SecondLatency> seconds_after(std::int64_t since) const;

 private:
  struct alignas(64) Cell {
    std::array<std::atomic<std::uint32_t>, kSketchBuckets> counts{};
    std::atomic<std::uint64_t> max_bits{0};  // a double's bits; 0 is 0.0
  };
  struct Minute {
    std::int64_t minute = -1;
    LatencySketch sketch;
  };

  std::unique_ptr<Cell[]> cells_;
  unsigned slots_;
  mutable std::mutex mutex_;  // admin thread(s) only: tick and readers
  LatencySketch scratch_;
  std::array<Minute, kMinutes> minutes_;
  std::array<SecondLatency, kSeconds> seconds_;
};

}  // namespace centinela::observe
