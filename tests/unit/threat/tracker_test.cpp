// The tracker: configured points per signal, the allowlist, the cheap ban
// check, operators' bans, and fleet messages. An injected clock: no sleeps.
#include "threat/tracker.h"

#include <gtest/gtest.h>

#include "config/address.h"
#include "observe/incident_log.h"

namespace centinela::threat {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
std::int64_t fake_now = 1'700'000'000 * kSecond;
std::int64_t fake_clock() { return fake_now; }

config::ThreatConfig threat_config() {
  config::ThreatConfig config;
  config.half_life = std::chrono::minutes(10);
  config.ban.score = 10;
  config.ban.durations = {std::chrono::minutes(1), std::chrono::minutes(10)};
  config.allowlist.push_back(*config::parse_cidr("10.0.0.0/8").value);
  config.scanner_data = CENTINELA_CRS_DATA;
  return config;
}

class TrackerTest : public ::testing::Test {
 protected:
  TrackerTest() : tracker_(&fake_clock) {
    std::vector<std::string> warnings;
    settings_ = make_settings(threat_config(), warnings);
    tracker_.configure(settings_);
  }
  Tracker tracker_;
  std::shared_ptr<const Settings> settings_;
};

TEST_F(TrackerTest, ConfiguredPointsPerSignal) {
  const ClientKey client = ClientKey::ip("192.0.2.1");
  tracker_.note(client, Signal::not_found);     // 1
  tracker_.note(client, Signal::forbidden);     // 2
  tracker_.note(client, Signal::auth_failure);  // 2
  tracker_.note(client, Signal::rate_limited);  // 1
  EXPECT_DOUBLE_EQ(tracker_.score(client), 6);
  auto ban = tracker_.note(client, Signal::scanner);  // 25: over the line
  ASSERT_TRUE(ban);
  EXPECT_EQ(ban->level, 1);
  EXPECT_EQ(ban->until_ns, fake_now + 60 * kSecond);
  EXPECT_TRUE(tracker_.banned(client));
  EXPECT_FALSE(tracker_.banned(ClientKey::ip("192.0.2.2")));
  EXPECT_FALSE(tracker_.banned(ClientKey::user("192.0.2.1")));  // kinds never mix
}

TEST_F(TrackerTest, EveryBanIsAnIncident) {
  observe::IncidentLog::global().clear();
  const ClientKey client = ClientKey::ip("192.0.2.77");
  tracker_.add(client, Signal::waf, 4);
  EXPECT_EQ(observe::IncidentLog::global().recent_json(10, "192.0.2.77", ""),
            R"({"incidents":[]})");
  ASSERT_TRUE(tracker_.add(client, Signal::waf, 8));
  const std::string json = observe::IncidentLog::global().recent_json(10, "192.0.2.77", "");
  EXPECT_NE(json.find(R"("action":"banned")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("client_ip":"192.0.2.77")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("score":12,"threshold":10)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("ban":{"level":1,"until":")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("signal":"waf"})"), std::string::npos) << json;
  // An operator's ban of a user too.
  tracker_.ban(ClientKey::user("mallory"), 60 * kSecond);
  const std::string all = observe::IncidentLog::global().recent_json(10, "", "");
  EXPECT_NE(all.find(R"("user":"mallory")"), std::string::npos) << all;
  EXPECT_NE(all.find(R"("signal":"manual"})"), std::string::npos) << all;
  observe::IncidentLog::global().clear();
}

TEST_F(TrackerTest, WafPointsAreTheAnomalyScoreUnlessConfigured) {
  const ClientKey client = ClientKey::user("alice");
  tracker_.add(client, Signal::waf, 5);
  EXPECT_DOUBLE_EQ(tracker_.score(client), 5);
  config::ThreatConfig fixed = threat_config();
  fixed.points.waf = 1;
  std::vector<std::string> warnings;
  tracker_.configure(make_settings(fixed, warnings));
  tracker_.add(client, Signal::waf, 5);
  EXPECT_DOUBLE_EQ(tracker_.score(client), 6);
}

TEST_F(TrackerTest, AllowlistedClientsAreScoredButNeverBanned) {
  const ClientKey client = ClientKey::ip("10.1.2.3");
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(tracker_.note(client, Signal::scanner));
  EXPECT_GT(tracker_.score(client), 100);
  EXPECT_FALSE(tracker_.banned(client));
  // Nor by another instance's message.
  EXPECT_TRUE(tracker_.apply_remote("ban ip 3 " + std::to_string(fake_now / 1'000'000 + 60'000) +
                                    " 10.1.2.3"));
  EXPECT_FALSE(tracker_.banned(client));
}

TEST_F(TrackerTest, OffMeansNoScoresAndNoBans) {
  tracker_.configure(nullptr);
  const ClientKey client = ClientKey::ip("192.0.2.9");
  EXPECT_FALSE(tracker_.note(client, Signal::scanner));
  EXPECT_EQ(tracker_.score(client), 0);
  EXPECT_FALSE(tracker_.enabled());
}

TEST_F(TrackerTest, OperatorBansAndLifts) {
  const ClientKey client = ClientKey::ip("198.51.100.1");
  BanState ban = tracker_.ban(client, 300 * kSecond);
  EXPECT_EQ(ban.level, 1);
  EXPECT_EQ(ban.until_ns, fake_now + 300 * kSecond);
  ASSERT_EQ(tracker_.bans().size(), 1u);
  EXPECT_EQ(tracker_.bans()[0].name, "198.51.100.1");
  fake_now += 299 * kSecond;
  EXPECT_TRUE(tracker_.banned(client));
  EXPECT_TRUE(tracker_.lift(client));
  EXPECT_FALSE(tracker_.banned(client));
  EXPECT_TRUE(tracker_.bans().empty());
}

TEST_F(TrackerTest, BanCheckIsFreeOnceEveryBanEnded) {
  const ClientKey client = ClientKey::ip("198.51.100.2");
  tracker_.ban(client, 10 * kSecond);
  EXPECT_TRUE(tracker_.banned(client));
  fake_now += 10 * kSecond;
  EXPECT_FALSE(tracker_.banned(client));
}

TEST_F(TrackerTest, FleetMessagesRoundTrip) {
  const ClientKey client = ClientKey::user("bob smith");  // names may hold spaces
  const BanState ban{2, fake_now + 90 * kSecond};
  const std::string message = Tracker::ban_message(client, ban);
  EXPECT_EQ(message, "ban user 2 " + std::to_string(ban.until_ns / 1'000'000) + " bob smith");
  EXPECT_TRUE(tracker_.apply_remote(message));
  auto held = tracker_.banned(client);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->level, 2);
  EXPECT_EQ(held->until_ns, ban.until_ns / 1'000'000 * 1'000'000);
  // An older message does not shorten it.
  EXPECT_TRUE(tracker_.apply_remote("ban user 1 " + std::to_string(fake_now / 1'000'000 + 1000) +
                                    " bob smith"));
  EXPECT_EQ(tracker_.banned(client)->level, 2);
  EXPECT_TRUE(tracker_.apply_remote(Tracker::lift_message(client)));
  EXPECT_FALSE(tracker_.banned(client));
  for (const char* bad : {"", "ban", "ban ip", "ban ip x 1 1.2.3.4", "ban host 1 1 a", "lift ip",
                          "ban ip 0 100 1.2.3.4", "unban ip 1.2.3.4"}) {
    EXPECT_FALSE(tracker_.apply_remote(bad)) << bad;
  }
}

TEST_F(TrackerTest, ScannerListsComeFromCrs) {
  EXPECT_FALSE(settings_->scanner_user_agents.empty());
  EXPECT_FALSE(settings_->restricted_paths.empty());
  EXPECT_FALSE(settings_->scanner_user_agents.find_in("Mozilla/5.00 (Nikto/2.1.6)").empty());
  EXPECT_TRUE(settings_->scanner_user_agents.find_in("Mozilla/5.0 (X11; Linux)").empty());
  EXPECT_FALSE(settings_->restricted_paths.find_in("/app/.git/config").empty());
  EXPECT_FALSE(settings_->restricted_paths.find_in("/WP-CONFIG.PHP").empty());
  EXPECT_TRUE(settings_->restricted_paths.find_in("/api/users/42").empty());
}

TEST(TrackerSettings, MissingScannerDataIsAWarningNotAFailure) {
  config::ThreatConfig config = threat_config();
  config.scanner_data = "/nonexistent";
  std::vector<std::string> warnings;
  auto settings = make_settings(config, warnings);
  EXPECT_EQ(warnings.size(), 2u);
  EXPECT_TRUE(settings->restricted_paths.empty());
}

}  // namespace
}  // namespace centinela::threat
