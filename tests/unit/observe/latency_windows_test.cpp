#include "observe/latency_windows.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "observe/worker_index.h"

namespace centinela::observe {
namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kStart = 1'700'000'040;  // a minute boundary

TEST(LatencyWindows, MergesWhatEveryWorkerRecorded) {
  LatencyWindows windows(4);
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 6; ++w) {  // more workers than slots: shared slots still count
    workers.emplace_back([&windows, w] {
      set_worker_index(w);
      for (int i = 0; i < 1000; ++i) windows.observe(w == 5 ? 0.9 : 0.010);
    });
  }
  for (auto& t : workers) t.join();
  windows.tick(kStart);
  const LatencySketch last = windows.last_minutes(1, kStart);
  EXPECT_EQ(last.count(), 6000u);
  EXPECT_NEAR(last.quantile(0.5), 0.010, 0.010 * kSketchAccuracy);
  EXPECT_NEAR(last.quantile(0.99), 0.9, 0.9 * kSketchAccuracy);
  EXPECT_DOUBLE_EQ(last.max(), 0.9);
}

TEST(LatencyWindows, WindowsCoverTheirMinutesOnly) {
  LatencyWindows windows(1);
  // One observation of (minute + 1) ms in each of 20 minutes.
  for (std::int64_t m = 0; m < 20; ++m) {
    windows.observe(static_cast<double>(m + 1) / 1000);
    windows.tick(kStart + m * kMinute + 5);
  }
  const std::int64_t now = kStart + 19 * kMinute + 30;
  EXPECT_EQ(windows.last_minutes(1, now).count(), 2u);    // minutes 19 and 18
  EXPECT_EQ(windows.last_minutes(5, now).count(), 6u);    // 14..19
  EXPECT_EQ(windows.last_minutes(15, now).count(), 16u);  // 4..19; older ones are gone
  EXPECT_NEAR(windows.last_minutes(15, now).quantile(0), 0.005, 0.005 * kSketchAccuracy);
  // Much later, nothing recent.
  EXPECT_EQ(windows.last_minutes(15, now + 60 * kMinute).count(), 0u);
}

TEST(LatencyWindows, EmptyWindowsAnswerZero) {
  LatencyWindows windows(2);
  windows.tick(kStart);
  const LatencySketch last = windows.last_minutes(5, kStart);
  EXPECT_EQ(last.count(), 0u);
  EXPECT_EQ(last.quantile(0.99), 0.0);
}

TEST(LatencyWindows, KeepsOneSummaryPerSecond) {
  LatencyWindows windows(1);
  for (std::int64_t s = 0; s < 1000; ++s) {
    if (s % 2 == 0) windows.observe(0.020);
    windows.tick(kStart + s);
  }
  const auto seconds = windows.seconds_after(kStart + 990);
  ASSERT_EQ(seconds.size(), 9u);
  EXPECT_EQ(seconds.front().second, kStart + 991);
  EXPECT_EQ(seconds.front().count, 0u);
  EXPECT_EQ(seconds[1].count, 1u);
  EXPECT_NEAR(seconds[1].p99, 0.020, 0.020 * kSketchAccuracy);
  // The ring holds the last 900 seconds only.
  EXPECT_EQ(windows.seconds_after(0).size(), LatencyWindows::kSeconds);
}

}  // namespace
}  // namespace centinela::observe
