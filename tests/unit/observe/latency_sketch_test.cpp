#include "observe/latency_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace centinela::observe {
namespace {

constexpr double kQuantiles[] = {0.0, 0.5, 0.9, 0.95, 0.99, 1.0};

// The value a sketch must approximate: the sorted sample at rank floor(q·(n-1)).
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(std::floor(q * static_cast<double>(values.size() - 1)))];
}

void expect_within_accuracy(const std::vector<double>& values) {
  LatencySketch sketch;
  for (double v : values) sketch.add(v);
  ASSERT_EQ(sketch.count(), values.size());
  for (double q : kQuantiles) {
    const double exact = exact_quantile(values, q);
    const double estimate = sketch.quantile(q);
    EXPECT_LE(std::abs(estimate - exact), kSketchAccuracy * exact + 1e-12)
        << "q=" << q << " exact=" << exact << " estimate=" << estimate;
  }
  EXPECT_DOUBLE_EQ(sketch.max(), *std::max_element(values.begin(), values.end()));
}

TEST(LatencySketch, EveryBucketIndexFitsTheTable) {
  // The range's top has its own bucket (not clamped into a lower one).
  EXPECT_LT(sketch_bucket(kSketchMaxSeconds), kSketchBuckets - 1);
  EXPECT_NEAR(sketch_bucket_value(sketch_bucket(kSketchMaxSeconds)), kSketchMaxSeconds,
              kSketchMaxSeconds * kSketchAccuracy);
  EXPECT_EQ(sketch_bucket(kSketchMaxSeconds), sketch_bucket(1e9));
  EXPECT_EQ(sketch_bucket(0), 0u);
  EXPECT_EQ(sketch_bucket(-1), 0u);
  EXPECT_EQ(sketch_bucket(std::nan("")), 0u);
}

TEST(LatencySketch, StaysWithinOnePercentOnRandomLatencies) {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(std::log(0.050), 1.0);  // ~50 ms, long tail
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) values.push_back(latency(random));
  expect_within_accuracy(values);
}

TEST(LatencySketch, StaysWithinOnePercentOnUniformAndBimodalLatencies) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(1e-5, 30.0);
  std::vector<double> values;
  for (int i = 0; i < 50000; ++i) values.push_back(uniform(random));
  expect_within_accuracy(values);
  values.clear();
  for (int i = 0; i < 50000; ++i) values.push_back(i % 10 == 0 ? 2.5 : 0.0004);
  expect_within_accuracy(values);
}

TEST(LatencySketch, StaysWithinOnePercentOnBucketEdges) {
  // Adversarial: values sitting on and just beside every bucket boundary.
  std::vector<double> values;
  const double gamma = (1 + kSketchAccuracy) / (1 - kSketchAccuracy);
  for (double edge = kSketchMinSeconds * gamma; edge < 100; edge *= gamma) {
    values.push_back(edge);
    values.push_back(std::nextafter(edge, 0.0));
    values.push_back(std::nextafter(edge, 1e9));
  }
  expect_within_accuracy(values);
}

TEST(LatencySketch, OneValueIsReportedForEveryQuantile) {
  LatencySketch sketch;
  sketch.add(0.123);
  for (double q : kQuantiles) EXPECT_NEAR(sketch.quantile(q), 0.123, 0.123 * kSketchAccuracy);
}

TEST(LatencySketch, EmptyAnswersZero) {
  const LatencySketch sketch;
  EXPECT_EQ(sketch.count(), 0u);
  EXPECT_EQ(sketch.quantile(0.99), 0.0);
  EXPECT_EQ(sketch.max(), 0.0);
}

TEST(LatencySketch, ValuesOutOfRangeAreClampedButMaxIsExact) {
  LatencySketch sketch;
  sketch.add(1e-9);
  EXPECT_DOUBLE_EQ(sketch.quantile(0.5), 1e-9);  // never above the max seen
  sketch.add(7200);
  sketch.add(7200);
  EXPECT_NEAR(sketch.quantile(1.0), kSketchMaxSeconds, kSketchMaxSeconds * kSketchAccuracy);
  EXPECT_DOUBLE_EQ(sketch.max(), 7200);
}

TEST(LatencySketch, MergeIsAssociativeAndEqualsOneSketchOfEverything) {
  std::mt19937_64 random(3);
  std::exponential_distribution<double> latency(20.0);
  LatencySketch a, b, c, all;
  for (int i = 0; i < 3000; ++i) {
    const double v = latency(random);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(v);
    all.add(v);
  }
  LatencySketch left = a;  // (a + b) + c
  left.merge(b);
  left.merge(c);
  LatencySketch bc = b;  // a + (b + c)
  bc.merge(c);
  LatencySketch right = a;
  right.merge(bc);
  EXPECT_EQ(left.count(), all.count());
  EXPECT_EQ(right.count(), all.count());
  EXPECT_DOUBLE_EQ(left.max(), all.max());
  EXPECT_DOUBLE_EQ(right.max(), all.max());
  for (double q : kQuantiles) {
    EXPECT_DOUBLE_EQ(left.quantile(q), all.quantile(q));
    EXPECT_DOUBLE_EQ(right.quantile(q), all.quantile(q));
  }
}

}  // namespace
}  // namespace centinela::observe
