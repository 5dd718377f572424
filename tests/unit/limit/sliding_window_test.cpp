#include "limit/sliding_window.h"

#include <gtest/gtest.h>

#include <random>

namespace centinela::limit {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(SlidingWindow, AdmitsLimitThenWaitsForTheOldestToLeave) {
  const Policy policy = make_sliding_policy(3, 1000 * kMs);
  SlidingLog log;
  EXPECT_TRUE(sliding_window_decide(log, policy, 0).allowed);
  EXPECT_TRUE(sliding_window_decide(log, policy, 100 * kMs).allowed);
  Decision third = sliding_window_decide(log, policy, 200 * kMs);
  EXPECT_TRUE(third.allowed);
  EXPECT_EQ(third.remaining, 0u);
  Decision refused = sliding_window_decide(log, policy, 500 * kMs);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ns, 500 * kMs);  // the one at 0 leaves at 1000 ms
  EXPECT_EQ(refused.reset_ns, 700 * kMs);        // the one at 200 leaves at 1200 ms
  EXPECT_FALSE(sliding_window_decide(log, policy, 999 * kMs).allowed);
  // At exactly 1000 ms the admission at 0 is out of (0, 1000].
  EXPECT_TRUE(sliding_window_decide(log, policy, 1000 * kMs).allowed);
  EXPECT_FALSE(sliding_window_decide(log, policy, 1000 * kMs).allowed);
}

TEST(SlidingWindow, NeverMoreThanLimitInAnyWindow) {
  std::mt19937_64 random(7);
  for (std::uint64_t limit : {1u, 5u, 50u}) {
    const std::int64_t window = 1000 * kMs;
    const Policy policy = make_sliding_policy(limit, window);
    SlidingLog log;
    std::vector<std::int64_t> admitted;
    std::int64_t now = 0;
    for (int i = 0; i < 20000; ++i) {
      now += static_cast<std::int64_t>(random() % (3 * kMs));
      if (sliding_window_decide(log, policy, now).allowed) admitted.push_back(now);
    }
    ASSERT_GT(admitted.size(), limit * 10);
    // Any limit+1 consecutive admissions span at least a full window.
    for (std::size_t i = limit; i < admitted.size(); ++i) {
      ASSERT_GE(admitted[i] - admitted[i - limit], window) << "limit " << limit << " at " << i;
    }
    EXPECT_LE(log.capacity(), limit);
  }
}

TEST(SlidingWindow, LogGrowsWithTrafficNotWithLimit) {
  const Policy policy = make_sliding_policy(4'000'000'000u, 1000 * kMs);
  SlidingLog log;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sliding_window_decide(log, policy, i).allowed);
  EXPECT_LE(log.capacity(), 4u);
  EXPECT_LT(log.memory_bytes(), 128u);
}

}  // namespace
}  // namespace centinela::limit
