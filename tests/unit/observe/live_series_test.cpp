#include "observe/live_series.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "observe/slow_requests.h"
#include "observe/worker_index.h"

namespace centinela::observe {
namespace {

constexpr std::int64_t kStart = 1'700'000'000;

TEST(LiveSeries, CountsOfEveryWorkerLandInTheSecondTheyWereTaken) {
  LiveSeries series(2);
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 3; ++w) {
    workers.emplace_back([&series, w] {
      set_worker_index(w);
      for (int i = 0; i < 500; ++i) series.add(LiveCount::requests);
      series.add(LiveCount::bytes_sent, 1000);
    });
  }
  for (auto& t : workers) t.join();
  series.tick(kStart, 7);
  series.add(LiveCount::errors_5xx);
  series.tick(kStart + 1, 3);
  const auto seconds = series.seconds_after(kStart - 1);
  ASSERT_EQ(seconds.size(), 2u);
  EXPECT_EQ(seconds[0].counts[static_cast<std::size_t>(LiveCount::requests)], 1500u);
  EXPECT_EQ(seconds[0].counts[static_cast<std::size_t>(LiveCount::bytes_sent)], 3000u);
  EXPECT_EQ(seconds[0].connections, 7u);
  EXPECT_EQ(seconds[1].counts[static_cast<std::size_t>(LiveCount::requests)], 0u);
  EXPECT_EQ(seconds[1].counts[static_cast<std::size_t>(LiveCount::errors_5xx)], 1u);
  EXPECT_EQ(series.seconds_after(kStart).size(), 1u);  // ?since= returns only what is newer
}

TEST(LiveSeries, RingIsBoundedToFifteenMinutes) {
  LiveSeries series(1);
  for (std::int64_t s = 0; s < 2000; ++s) series.tick(kStart + s, 0);
  const auto seconds = series.seconds_after(0);
  ASSERT_EQ(seconds.size(), LiveSeries::kSeconds);
  EXPECT_EQ(seconds.front().second, kStart + 2000 - 900);
}

TEST(SlowRequests, KeepsTheSlowestRecentOnesWithTheirBreakdown) {
  SlowRequests slow(1);
  for (int i = 0; i < 40; ++i) {
    slow.record(make_slow_request(1000 + i, "id-" + std::to_string(i), "api", "GET", "/x", 200,
                                  100.0 + i, 1.0, 60.0, 90.0));
  }
  const auto top = slow.slowest(3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_STREQ(top[0].request_id.data(), "id-39");
  EXPECT_FLOAT_EQ(top[0].first_byte_ms, 60);
  EXPECT_FLOAT_EQ(top[0].transfer_ms, 30);
  EXPECT_FLOAT_EQ(top[0].gateway_ms, 139 - 1 - 90);
  EXPECT_EQ(slow.slowest(100).size(), SlowRequests::kPerWorker);  // bounded
  const SlowRequest local =
      make_slow_request(0, std::string(200, 'x'), "r", "GET", "/", 429, 5, -1, -1, -1);
  EXPECT_EQ(std::string(local.request_id.data()).size(), local.request_id.size() - 1);
  EXPECT_FLOAT_EQ(local.first_byte_ms, -1);
}

}  // namespace
}  // namespace centinela::observe
