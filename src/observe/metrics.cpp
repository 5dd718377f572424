#include "observe/metrics.h"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace centinela::observe {

std::uint64_t Counter::value() const {
  std::uint64_t total = 0;
  for (const auto& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
  return total;
}

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds.begin(), upper_bounds.end()) {
  // A trailing +Inf is implicit in the format; accept and drop it.
  if (!bounds_.empty() && std::isinf(bounds_.back()) && bounds_.back() > 0) bounds_.pop_back();
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram buckets must be finite and strictly increasing");
    }
  }
  const std::size_t words = bounds_.size() + 2;  // buckets, +Inf, sum
  lines_per_shard_ = (words + 7) / 8;
  lines_ = std::make_unique<detail::CacheLine[]>(lines_per_shard_ * kMaxWorkers);
}

std::atomic<std::uint64_t>& Histogram::word(unsigned shard, std::size_t index) const noexcept {
  return lines_[shard * lines_per_shard_ + index / 8].words[index % 8];
}

void Histogram::observe(double seconds) noexcept {
  if (std::isnan(seconds)) return;
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && seconds > bounds_[bucket]) ++bucket;
  const unsigned shard = current_worker_index();
  word(shard, bucket).fetch_add(1, std::memory_order_relaxed);

  // The sum is a double kept as bits; the CAS only ever races with another
  // thread sharing slot 0, so it practically never loops.
  auto& sum = word(shard, bounds_.size() + 1);
  std::uint64_t old_bits = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(
      old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + seconds),
      std::memory_order_relaxed)) {
  }
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.upper_bounds = bounds_;
  snap.cumulative.assign(bounds_.size() + 1, 0);
  for (unsigned shard = 0; shard < kMaxWorkers; ++shard) {
    for (std::size_t b = 0; b <= bounds_.size(); ++b) {
      snap.cumulative[b] += word(shard, b).load(std::memory_order_relaxed);
    }
    snap.sum +=
        std::bit_cast<double>(word(shard, bounds_.size() + 1).load(std::memory_order_relaxed));
  }
  for (std::size_t b = 1; b < snap.cumulative.size(); ++b)
    snap.cumulative[b] += snap.cumulative[b - 1];
  snap.count = snap.cumulative.back();
  return snap;
}

std::span<const double> default_latency_buckets() {
  static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                        0.25,  0.5,    0.75,  1,    2.5,   5,    10};
  return kBuckets;
}

}  // namespace centinela::observe
