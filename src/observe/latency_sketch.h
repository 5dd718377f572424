// A mergeable latency histogram with log-spaced buckets (the DDSketch idea):
// bucket i holds the values in (min·γ^(i-1), min·γ^i] with γ = (1+α)/(1-α),
// and answers a quantile with 2·min·γ^i/(γ+1), which is within α of every
// value in the bucket. Two sketches merge by adding counts, so per-worker and
// per-minute sketches combine into any window without losing accuracy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace centinela::observe {

// α: a quantile is within 1 % of the exact one (same rank), for values in
// [kSketchMinSeconds, kSketchMaxSeconds]; values outside are clamped to it.
inline constexpr double kSketchAccuracy = 0.01;
inline constexpr double kSketchMinSeconds = 1e-6;  // 1 µs
inline constexpr double kSketchMaxSeconds = 3600;  // 1 h
// ceil(ln(3600 / 1e-6) / ln γ) + 1 = 1102 buckets are used; rounded up.
inline constexpr std::size_t kSketchBuckets = 1104;

// The bucket of a value (clamped into range; NaN and negatives go to 0).
std::size_t sketch_bucket(double seconds) noexcept;
// The value a quantile in bucket `index` is reported as.
double sketch_bucket_value(std::size_t index) noexcept;

class LatencySketch {
 public:
  LatencySketch();

  void add(double seconds, std::uint64_t n = 1);
  // Counts for a bucket recorded elsewhere (per-worker cells); `max` is kept
  // apart because a bucket does not know its exact values.
  void add_bucket(std::size_t index, std::uint64_t n);
  void note_max(double seconds);
  void merge(const LatencySketch& other);
  void clear();

  std::uint64_t count() const { return count_; }
  // The largest value added, exact (not clamped); 0 when empty.
  double max() const { return max_; }
  // The value at rank floor(q·(count-1)) within α (never above max()); 0
  // when empty. q in [0, 1].
  double quantile(double q) const;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double max_ = 0;
};

}  // namespace centinela::observe
