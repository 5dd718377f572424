// The score table on its own: decay, bans and their escalation, the memory
// bound under a flood of distinct clients, and which clients a full table
// keeps. Time is passed in: nothing sleeps.
#include "threat/score_table.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::threat {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kT0 = 1'700'000'000 * kSecond;  // a wall-clock time

Rules rules() {
  Rules r;
  r.half_life_ns = 10 * kSecond;
  r.ban_score = 10;
  r.durations_ns = {kMinute, 10 * kMinute, 60 * kMinute};
  r.forget_after_ns = 24 * 60 * kMinute;
  return r;
}

std::string ip(std::uint32_t n) {
  return std::to_string(10 + (n >> 24)) + "." + std::to_string((n >> 16) & 255) + "." +
         std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

// Adds without banning: scores only.
void score(ScoreTable& table, const ClientKey& key, double points, std::int64_t now) {
  table.add(key, fingerprint(key), points, rules(), /*may_ban=*/false, now);
}

TEST(ScoreTable, ScoreHalvesEveryHalfLife) {
  ScoreTable table(1000);
  const ClientKey client = ClientKey::ip("192.0.2.1");
  score(table, client, 8, kT0);
  EXPECT_DOUBLE_EQ(table.score(fingerprint(client), rules(), kT0), 8);
  EXPECT_NEAR(table.score(fingerprint(client), rules(), kT0 + 10 * kSecond), 4, 1e-6);
  EXPECT_NEAR(table.score(fingerprint(client), rules(), kT0 + 20 * kSecond), 2, 1e-6);
  // Points add to the decayed score.
  score(table, client, 1, kT0 + 10 * kSecond);
  EXPECT_NEAR(table.score(fingerprint(client), rules(), kT0 + 10 * kSecond), 5, 1e-6);
  EXPECT_EQ(table.score(fingerprint(ClientKey::ip("192.0.2.2")), rules(), kT0), 0);
}

TEST(ScoreTable, BanAtTheThresholdResetsTheScore) {
  ScoreTable table(1000);
  const ClientKey client = ClientKey::ip("192.0.2.1");
  const auto fp = fingerprint(client);
  EXPECT_FALSE(table.add(client, fp, 6, rules(), true, kT0));
  auto ban = table.add(client, fp, 5, rules(), true, kT0 + 1);
  ASSERT_TRUE(ban);
  EXPECT_EQ(ban->level, 1);
  EXPECT_EQ(ban->until_ns, kT0 + 1 + kMinute);
  EXPECT_EQ(table.score(fp, rules(), kT0 + 1), 0);
  ASSERT_TRUE(table.banned(fp, kT0 + kMinute));
  EXPECT_FALSE(table.banned(fp, kT0 + 1 + kMinute));
  // Points while banned make no second ban.
  EXPECT_FALSE(table.add(client, fp, 50, rules(), true, kT0 + 2));
}

TEST(ScoreTable, BansEscalateAndTheLastDurationRepeats) {
  ScoreTable table(1000);
  const ClientKey client = ClientKey::ip("2001:db8::7");
  const auto fp = fingerprint(client);
  std::int64_t now = kT0;
  const std::int64_t expected[] = {kMinute, 10 * kMinute, 60 * kMinute, 60 * kMinute};
  for (int level = 1; level <= 4; ++level) {
    auto ban = table.add(client, fp, 10, rules(), true, now);
    ASSERT_TRUE(ban) << level;
    EXPECT_EQ(ban->level, level);
    EXPECT_EQ(ban->until_ns - now, expected[level - 1]);
    now = ban->until_ns;  // the ban is over: the next offence starts now
  }
}

TEST(ScoreTable, LevelIsForgottenAfterForgetAfter) {
  ScoreTable table(1000);
  const ClientKey client = ClientKey::user("mallory");
  const auto fp = fingerprint(client);
  auto first = table.add(client, fp, 10, rules(), true, kT0);
  ASSERT_TRUE(first);
  const std::int64_t later = first->until_ns + rules().forget_after_ns;
  auto second = table.add(client, fp, 10, rules(), true, later);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->level, 1);
  // Just before forgetting, the level is remembered.
  auto third =
      table.add(client, fp, 10, rules(), true, second->until_ns + rules().forget_after_ns - 1);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->level, 2);
}

TEST(ScoreTable, SetBanAndLift) {
  ScoreTable table(1000);
  const ClientKey client = ClientKey::ip("198.51.100.4");
  const auto fp = fingerprint(client);
  BanState ban = table.set_ban(client, fp, 0, kT0 + kMinute, rules(), kT0);
  EXPECT_EQ(ban.level, 1);
  ban = table.set_ban(client, fp, 0, kT0 + 2 * kMinute, rules(), kT0);
  EXPECT_EQ(ban.level, 2);
  ban = table.set_ban(client, fp, 5, kT0 + 3 * kMinute, rules(), kT0);
  EXPECT_EQ(ban.level, 5);
  auto bans = table.bans(kT0);
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans[0].name, "198.51.100.4");
  EXPECT_EQ(bans[0].kind, ClientKind::ip);
  EXPECT_EQ(bans[0].level, 5);
  EXPECT_TRUE(table.lift(fp));
  EXPECT_FALSE(table.banned(fp, kT0));
  EXPECT_FALSE(table.lift(fp));
  // Lifted means forgotten: the next ban is a first one.
  EXPECT_EQ(table.add(client, fp, 10, rules(), true, kT0)->level, 1);
}

TEST(ScoreTable, TopListsBannedFirstThenByScore) {
  ScoreTable table(1000);
  score(table, ClientKey::ip("192.0.2.1"), 3, kT0);
  score(table, ClientKey::ip("192.0.2.2"), 9, kT0);
  score(table, ClientKey::user("eve"), 5, kT0);
  const ClientKey banned = ClientKey::ip("192.0.2.3");
  table.set_ban(banned, fingerprint(banned), 1, kT0 + kMinute, rules(), kT0);
  auto top = table.top(3, rules(), kT0);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "192.0.2.3");
  EXPECT_EQ(top[1].name, "192.0.2.2");
  EXPECT_EQ(top[2].name, "eve");
  EXPECT_EQ(top[2].kind, ClientKind::user);
  EXPECT_EQ(table.top(10, rules(), kT0).size(), 4u);
}

TEST(ScoreTable, LongUserNamesAreCutForDisplayOnly) {
  ScoreTable table(1000);
  const std::string long_name(1000, 'u');
  const ClientKey client = ClientKey::user(long_name);
  score(table, client, 5, kT0);
  auto top = table.top(1, rules(), kT0);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].name.size(), ScoreTable::kMaxStoredName);
  EXPECT_TRUE(table.lift(fingerprint(client)));
  EXPECT_EQ(table.size(), 0u);
}

// Hostile: millions of distinct clients. The table stays within its bound
// and keeps the clients that matter.
TEST(ScoreTable, MillionsOfDistinctClientsStayWithinTheBound) {
  constexpr std::uint64_t kMaxClients = 65'536;
  ScoreTable table(kMaxClients);
  const ClientKey hot = ClientKey::ip("203.0.113.9");
  score(table, hot, 9, kT0);
  const ClientKey banned = ClientKey::ip("203.0.113.10");
  table.set_ban(banned, fingerprint(banned), 1, kT0 + 60 * kMinute, rules(), kT0);
  for (std::uint32_t n = 0; n < 2'000'000; ++n) {
    const std::string address = ip(n);
    score(table, ClientKey::ip(address), 1, kT0 + n);
  }
  EXPECT_LE(table.size(), kMaxClients + ScoreTable::kShardCount);
  EXPECT_GT(table.size(), kMaxClients / 2);
  EXPECT_LE(table.memory_bytes(), ScoreTable::memory_bound(kMaxClients));
  EXPECT_GT(table.score(fingerprint(hot), rules(), kT0 + 2'000'000), 8.9);
  EXPECT_TRUE(table.banned(fingerprint(banned), kT0 + 2'000'000));
  // The documented bound for the default: about 64 MiB for a million clients.
  EXPECT_LE(ScoreTable::memory_bound(1'000'000), 66u * 1024 * 1024);
}

TEST(ScoreTable, ForgottenClientsAreReclaimed) {
  ScoreTable table(100'000);
  for (std::uint32_t n = 0; n < 10'000; ++n) score(table, ClientKey::ip(ip(n)), 1, kT0);
  EXPECT_EQ(table.size(), 10'000u);
  // Long after: every score decayed to nothing; new clients sweep them away.
  const std::int64_t later = kT0 + 1000 * rules().half_life_ns;
  for (std::uint32_t n = 0; n < 20'000; ++n)
    score(table, ClientKey::ip(ip(1'000'000 + n)), 1, later);
  EXPECT_LT(table.size(), 22'000u);
  EXPECT_EQ(table.top(100'000, rules(), later).size(), 20'000u);
}

TEST(ScoreTable, LoweringTheBoundShrinks) {
  ScoreTable table(100'000);
  for (std::uint32_t n = 0; n < 50'000; ++n) score(table, ClientKey::ip(ip(n)), 1, kT0);
  table.set_max_clients(2560);
  for (std::uint32_t n = 0; n < 50'000; ++n) score(table, ClientKey::ip(ip(100'000 + n)), 1, kT0);
  EXPECT_LE(table.size(), 2560u);
  EXPECT_LE(table.memory_bytes(), ScoreTable::memory_bound(2560));
}

}  // namespace
}  // namespace centinela::threat
