#include "limit/local_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "limit/key_hash.h"

namespace centinela::limit {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(LocalStore, DecidesPerKey) {
  LocalStore store;
  const Policy policy = make_gcra_policy(2, 10 * kSecond);
  const auto a = key_fingerprint("a"), b = key_fingerprint("b");
  EXPECT_TRUE(store.decide(a, policy, kSecond).allowed);
  EXPECT_TRUE(store.decide(a, policy, kSecond).allowed);
  EXPECT_FALSE(store.decide(a, policy, kSecond).allowed);
  EXPECT_TRUE(store.decide(b, policy, kSecond).allowed);
  auto state = store.peek(a, policy, kSecond);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->remaining, 0u);
  EXPECT_FALSE(store.peek(key_fingerprint("c"), policy, kSecond).has_value());
  EXPECT_TRUE(store.erase(a));
  EXPECT_FALSE(store.erase(a));
  EXPECT_TRUE(store.decide(a, policy, kSecond).allowed);
}

TEST(LocalStore, SlidingWindowKeys) {
  LocalStore store;
  const Policy policy = make_sliding_policy(3, kSecond);
  const auto k = key_fingerprint("k");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(store.decide(k, policy, 10).allowed);
  EXPECT_FALSE(store.decide(k, policy, 20).allowed);
  EXPECT_TRUE(store.decide(k, policy, kSecond + 10).allowed);
  EXPECT_GT(store.memory_bytes(), 0u);
  EXPECT_TRUE(store.erase(k));
}

TEST(LocalStore, MillionKeysStayUnder100MiBAndExpiredOnesAreReclaimed) {
  LocalStore store;
  const Policy policy = make_gcra_policy(100, 60 * kSecond);
  const std::size_t empty_bytes = store.memory_bytes();
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    ASSERT_TRUE(store.decide(key_fingerprint(std::to_string(i)), policy, kSecond).allowed);
  }
  EXPECT_EQ(store.size(), 1'000'000u);
  const std::size_t full_bytes = store.memory_bytes();
  EXPECT_LT(full_bytes, 100u * 1024 * 1024) << full_bytes;
  // Every key is back to new after 60 s / 100 = 0.6 s: new keys reuse the
  // space instead of growing the tables.
  const std::int64_t later = 10 * kSecond;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    ASSERT_TRUE(store.decide(key_fingerprint("new" + std::to_string(i)), policy, later).allowed);
  }
  EXPECT_LE(store.memory_bytes(), full_bytes);
  EXPECT_LT(store.size(), 1'500'000u);
  store.reclaim_expired(100 * kSecond);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_LT(store.memory_bytes(), empty_bytes + 256 * 16 * 24 + 1);
}

TEST(LocalStore, SlidingLogsAreFreedWhenReclaimed) {
  LocalStore store;
  const Policy policy = make_sliding_policy(50, kSecond);
  const std::size_t empty_bytes = store.memory_bytes();
  for (int i = 0; i < 10000; ++i) {
    for (int j = 0; j < 10; ++j) store.decide(key_fingerprint(std::to_string(i)), policy, kSecond);
  }
  EXPECT_GT(store.memory_bytes(), empty_bytes + 10000 * 10 * 8);
  store.reclaim_expired(3 * kSecond);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_LT(store.memory_bytes(), empty_bytes + 256 * 16 * 24 + 1);
}

TEST(LocalStore, ExactUnderConcurrentWorkers) {
  LocalStore store;
  const Policy policy = make_gcra_policy(1000, 3600 * kSecond);
  const auto key = key_fingerprint("shared");
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        if (store.decide(key, policy, LocalStore::now_ns()).allowed) ++admitted;
        // Other keys too, so shards grow and sweep while the hot key is used.
        store.decide(key_fingerprint(std::to_string(i)), policy, LocalStore::now_ns());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // 1000 at once plus at most what 3600 s / 1000 = 3.6 s of earning adds.
  EXPECT_GE(admitted.load(), 1000);
  EXPECT_LE(admitted.load(), 1003);
}

}  // namespace
}  // namespace centinela::limit
