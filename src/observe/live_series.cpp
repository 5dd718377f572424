#include "observe/live_series.h"

#include <algorithm>
#include <iterator>

#include "observe/metrics.h"
#include "observe/worker_index.h"

namespace centinela::observe {

LiveSeries::LiveSeries(unsigned slots)
    : slots_(std::make_unique<Slot[]>(slots == 0 ? 1 : slots)),
      slot_count_(slots == 0 ? 1 : slots),
      ring_(std::make_unique<std::array<LiveSecond, kSeconds>>()) {}

void LiveSeries::add(LiveCount what, std::uint64_t n) noexcept {
  slots_[current_worker_index() % slot_count_].counts[static_cast<std::size_t>(what)].fetch_add(
      n, std::memory_order_relaxed);
  if (Counter* counter = mirrors_[static_cast<std::size_t>(what)]) counter->inc(n);
}

void LiveSeries::add_twin_only(LiveCount what, std::uint64_t n) noexcept {
  if (Counter* counter = mirrors_[static_cast<std::size_t>(what)]) counter->inc(n);
}

void LiveSeries::tick(std::int64_t unix_second, std::uint64_t active_connections) {
  const std::lock_guard lock(mutex_);
  LiveSecond& second = (*ring_)[static_cast<std::size_t>(unix_second) % kSeconds];
  if (second.second != unix_second) second = LiveSecond{unix_second, {}, 0};
  for (unsigned s = 0; s < slot_count_; ++s) {
    for (std::size_t i = 0; i < kLiveCounts; ++i) {
      if (slots_[s].counts[i].load(std::memory_order_relaxed) == 0) continue;
      second.counts[i] += slots_[s].counts[i].exchange(0, std::memory_order_relaxed);
    }
  }
  second.connections = active_connections;
}

std::vector<LiveSecond> LiveSeries::seconds_after(std::int64_t since) const {
  const std::lock_guard lock(mutex_);
  std::vector<LiveSecond> out;
  std::copy_if(ring_->begin(), ring_->end(), std::back_inserter(out),
               [since](const LiveSecond& second) { return second.second > since; });
  std::sort(out.begin(), out.end(),
            [](const LiveSecond& a, const LiveSecond& b) { return a.second < b.second; });
  return out;
}

}  // namespace centinela::observe
