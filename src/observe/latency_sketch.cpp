#include "observe/latency_sketch.h"

#include <algorithm>
#include <cmath>

namespace centinela::observe {
namespace {

const double kGamma = (1 + kSketchAccuracy) / (1 - kSketchAccuracy);
const double kLogGamma = std::log(kGamma);

}  // namespace

std::size_t sketch_bucket(double seconds) noexcept {
  if (!(seconds > kSketchMinSeconds)) return 0;  // also NaN
  const double clamped = std::min(seconds, kSketchMaxSeconds);
  const double index = std::ceil(std::log(clamped / kSketchMinSeconds) / kLogGamma);
  return std::min(static_cast<std::size_t>(index), kSketchBuckets - 1);
}

double sketch_bucket_value(std::size_t index) noexcept {
  if (index == 0) return kSketchMinSeconds;
  return kSketchMinSeconds * 2 * std::pow(kGamma, static_cast<double>(index)) / (kGamma + 1);
}

LatencySketch::LatencySketch() : counts_(kSketchBuckets, 0) {}

void LatencySketch::add(double seconds, std::uint64_t n) {
  add_bucket(sketch_bucket(seconds), n);
  if (n != 0) note_max(seconds);
}

void LatencySketch::add_bucket(std::size_t index, std::uint64_t n) {
  counts_[std::min(index, kSketchBuckets - 1)] += n;
  count_ += n;
}

void LatencySketch::note_max(double seconds) {
  if (seconds > max_) max_ = seconds;
}

void LatencySketch::merge(const LatencySketch& other) {
  for (std::size_t i = 0; i < kSketchBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  note_max(other.max_);
}

void LatencySketch::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  max_ = 0;
}

double LatencySketch::quantile(double q) const {
  if (count_ == 0) return 0;
  const double rank = std::floor(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_ - 1));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kSketchBuckets; ++i) {
    seen += counts_[i];
    if (static_cast<double>(seen) > rank) {
      const double value = sketch_bucket_value(i);
      return max_ > 0 ? std::min(value, max_) : value;
    }
  }
  return max_;
}

}  // namespace centinela::observe
