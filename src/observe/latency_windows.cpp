#include "observe/latency_windows.h"

#include <algorithm>
#include <bit>
#include <iterator>

#include "observe/worker_index.h"

namespace centinela::observe {

LatencyWindows::LatencyWindows(unsigned slots)
    : cells_(std::make_unique<Cell[]>(slots == 0 ? 1 : slots)), slots_(slots == 0 ? 1 : slots) {}

void LatencyWindows::observe(double seconds) noexcept {
  Cell& cell = cells_[current_worker_index() % slots_];
  cell.counts[sketch_bucket(seconds)].fetch_add(1, std::memory_order_relaxed);
  // Positive doubles order as their bits do; a shared slot needs the CAS.
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(seconds > 0 ? seconds : 0.0);
  std::uint64_t seen = cell.max_bits.load(std::memory_order_relaxed);
  while (bits > seen &&
         !cell.max_bits.compare_exchange_weak(seen, bits, std::memory_order_relaxed)) {
  }
}

void LatencyWindows::tick(std::int64_t unix_second) {
  const std::lock_guard lock(mutex_);
  scratch_.clear();
  for (unsigned s = 0; s < slots_; ++s) {
    Cell& cell = cells_[s];
    for (std::size_t i = 0; i < kSketchBuckets; ++i) {
      // A worker's increment after the exchange is kept for the next tick.
      if (cell.counts[i].load(std::memory_order_relaxed) == 0) continue;
      scratch_.add_bucket(i, cell.counts[i].exchange(0, std::memory_order_relaxed));
    }
    scratch_.note_max(std::bit_cast<double>(cell.max_bits.exchange(0, std::memory_order_relaxed)));
  }
  const std::int64_t minute = unix_second / 60;
  Minute& window = minutes_[static_cast<std::size_t>(minute) % kMinutes];
  if (window.minute != minute) {
    window.minute = minute;
    window.sketch.clear();
  }
  window.sketch.merge(scratch_);
  SecondLatency& summary = seconds_[static_cast<std::size_t>(unix_second) % kSeconds];
  summary.second = unix_second;
  summary.count = static_cast<std::uint32_t>(scratch_.count());
  summary.p50 = static_cast<float>(scratch_.quantile(0.50));
  summary.p95 = static_cast<float>(scratch_.quantile(0.95));
  summary.p99 = static_cast<float>(scratch_.quantile(0.99));
}

LatencySketch LatencyWindows::last_minutes(unsigned minutes, std::int64_t now_second) const {
  const std::lock_guard lock(mutex_);
  LatencySketch merged;
  const std::int64_t now_minute = now_second / 60;
  for (const Minute& window : minutes_) {
    if (window.minute >= 0 && window.minute <= now_minute &&
        now_minute - window.minute <= minutes) {
      merged.merge(window.sketch);
    }
  }
  return merged;
}

std::vector<SecondLatency> LatencyWindows::seconds_after(std::int64_t since) const {
  const std::lock_guard lock(mutex_);
  std::vector<SecondLatency> out;
  std::copy_if(seconds_.begin(), seconds_.end(), std::back_inserter(out),
               [since](const SecondLatency& summary) { return summary.second > since; });
  std::sort(out.begin(), out.end(),
            [](const SecondLatency& a, const SecondLatency& b) { return a.second < b.second; });
  return out;
}

}  // namespace centinela::observe
