#include "limit/gcra.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace centinela::limit {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(Gcra, NewKeySpendsBurstAtOnceThenEarnsOnePerInterval) {
  const Policy policy = make_gcra_policy(10, 10 * kSecond);  // burst = limit = 10, T = 1 s
  EXPECT_EQ(policy.emission_ns, kSecond);
  EXPECT_EQ(policy.tolerance_ns, 10 * kSecond);
  std::int64_t tat = 0;
  const std::int64_t t0 = 1000 * kSecond;
  for (int i = 0; i < 10; ++i) {
    Decision d = gcra_decide(tat, policy, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, static_cast<std::uint64_t>(9 - i));
    EXPECT_EQ(d.reset_ns, (i + 1) * kSecond);
  }
  Decision refused = gcra_decide(tat, policy, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.retry_after_ns, kSecond);
  EXPECT_EQ(refused.reset_ns, 10 * kSecond);
  // Half an interval later: still refused, half the wait left.
  refused = gcra_decide(tat, policy, t0 + kSecond / 2);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_ns, kSecond / 2);
  // One interval later: exactly one more.
  EXPECT_TRUE(gcra_decide(tat, policy, t0 + kSecond).allowed);
  EXPECT_FALSE(gcra_decide(tat, policy, t0 + kSecond).allowed);
}

TEST(Gcra, SmallBurstSmoothsTraffic) {
  const Policy policy = make_gcra_policy(60, 60 * kSecond, 5);
  std::int64_t tat = 0;
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += gcra_decide(tat, policy, kSecond).allowed;
  EXPECT_EQ(admitted, 5);
}

TEST(Gcra, KeyIdleForAWindowIsNew) {
  const Policy policy = make_gcra_policy(3, 3 * kSecond);
  std::int64_t tat = 0;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(gcra_decide(tat, policy, kSecond).allowed);
  EXPECT_FALSE(gcra_decide(tat, policy, kSecond).allowed);
  EXPECT_LE(tat, 4 * kSecond);  // TAT in the past from 4 s on: the store may forget it
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(gcra_decide(tat, policy, 4 * kSecond).allowed);
  Decision peek = gcra_peek(tat, policy, 4 * kSecond);
  EXPECT_FALSE(peek.allowed);
  EXPECT_EQ(peek.remaining, 0u);
}

// Over any interval of length X at most burst + limit * X / window admitted,
// checked on random traffic with a fake clock.
TEST(Gcra, NeverAdmitsMoreThanBurstPlusRateInAnyInterval) {
  std::mt19937_64 random(42);
  for (std::uint64_t burst : {1u, 3u, 7u, 20u}) {
    const std::uint64_t limit = 7;
    const std::int64_t window = 700 * 1'000'000;  // 700 ms: T = 100 ms
    const Policy policy = make_gcra_policy(limit, window, burst);
    std::int64_t tat = 0, now = 0;
    std::vector<std::int64_t> admitted;
    for (int i = 0; i < 5000; ++i) {
      now += static_cast<std::int64_t>(random() % 60'000'000);  // 0..60 ms apart
      if (gcra_decide(tat, policy, now).allowed) admitted.push_back(now);
    }
    ASSERT_GT(admitted.size(), 100u);
    for (std::size_t a = 0; a < admitted.size(); ++a) {
      for (std::size_t b = a; b < admitted.size() && b < a + 200; ++b) {
        const std::int64_t span = admitted[b] - admitted[a];
        const double bound = static_cast<double>(burst) +
                             static_cast<double>(limit) * static_cast<double>(span) / window;
        ASSERT_LE(static_cast<double>(b - a + 1), bound + 1e-9)
            << "burst " << burst << " from " << a << " to " << b;
      }
    }
    // With room to bank tokens it is not stingier than the rate either (a
    // burst of 1 loses the tokens nobody was there to take).
    const double rate = static_cast<double>(admitted.size()) / (now / 1e9);
    if (burst >= 7) {
      EXPECT_GT(rate, 0.9 * limit / (window / 1e9));
    }
  }
}

TEST(Gcra, HugeWindowsAndBurstsDoNotOverflow) {
  const Policy policy = make_gcra_policy(1, std::int64_t{86400} * 365 * kSecond, 4'000'000'000u);
  std::int64_t tat = 0;
  Decision d = gcra_decide(tat, policy, kSecond);
  EXPECT_TRUE(d.allowed);
  // The tolerance is capped (~73 years) so TAT arithmetic cannot overflow.
  EXPECT_GT(d.remaining, 50u);
  EXPECT_GT(tat, kSecond);
  EXPECT_TRUE(gcra_decide(tat, policy, kSecond).allowed);
}

}  // namespace
}  // namespace centinela::limit
