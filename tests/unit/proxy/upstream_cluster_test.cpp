#include "proxy/upstream_cluster.h"

#include <gtest/gtest.h>

#include <map>

#include "observe/metrics.h"

namespace centinela::proxy {
namespace {

using std::chrono::seconds;

// A fixed point in time far from the clock's epoch; tests move it by hand.
const SteadyTime kNow = SteadyTime{} + std::chrono::hours(1000);

config::UpstreamConfig upstream(std::string name, std::size_t servers,
                                config::LoadBalancing lb = config::LoadBalancing::round_robin) {
  config::UpstreamConfig c;
  c.name = std::move(name);
  for (std::size_t i = 0; i < servers; ++i) {
    const auto port = static_cast<std::uint16_t>(9000 + i);
    c.servers.push_back({"127.0.0.1", port, "127.0.0.1:" + std::to_string(port)});
  }
  c.load_balancing = lb;
  c.passive_health.max_failures = 3;
  c.passive_health.ejection_time = seconds(30);
  return c;
}

std::uint64_t bit(int i) { return std::uint64_t{1} << i; }

TEST(UpstreamCluster, RoundRobinAlternates) {
  UpstreamCluster cluster(upstream("rr", 2));
  const int first = cluster.pick(0, kNow);
  const int second = cluster.pick(0, kNow);
  const int third = cluster.pick(0, kNow);
  EXPECT_NE(first, second);
  EXPECT_EQ(first, third);
}

TEST(UpstreamCluster, RoundRobinSpreadsEvenly) {
  UpstreamCluster cluster(upstream("rr_even", 3));
  std::map<int, int> picks;
  for (int i = 0; i < 30; ++i) ++picks[cluster.pick(0, kNow)];
  EXPECT_EQ(picks, (std::map<int, int>{{0, 10}, {1, 10}, {2, 10}}));
}

TEST(UpstreamCluster, TriedServersAreSkipped) {
  UpstreamCluster cluster(upstream("tried", 3));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(cluster.pick(bit(0) | bit(2), kNow), 1);
  EXPECT_EQ(cluster.pick(bit(0) | bit(1) | bit(2), kNow), -1);
}

TEST(UpstreamCluster, ActivelyUnhealthyServerIsExcluded) {
  UpstreamCluster cluster(upstream("active", 2));
  cluster.set_active_health(0, false);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(cluster.pick(0, kNow), 1);

  cluster.set_active_health(0, true);
  std::map<int, int> picks;
  for (int i = 0; i < 4; ++i) ++picks[cluster.pick(0, kNow)];
  EXPECT_EQ(picks, (std::map<int, int>{{0, 2}, {1, 2}}));
}

TEST(UpstreamCluster, ActiveHealthDrivesTheHealthyGauge) {
  UpstreamCluster cluster(upstream("gauge_check", 1));
  const std::string line =
      "centinela_upstream_healthy{server=\"127.0.0.1:9000\",upstream=\"gauge_check\"}";
  cluster.set_active_health(0, false);
  EXPECT_NE(observe::Registry::global().render().find(line + " 0"), std::string::npos);
  cluster.set_active_health(0, true);
  EXPECT_NE(observe::Registry::global().render().find(line + " 1"), std::string::npos);
}

TEST(UpstreamCluster, NoServerAvailableGivesMinusOne) {
  UpstreamCluster cluster(upstream("none", 2));
  cluster.set_active_health(0, false);
  cluster.set_active_health(1, false);
  EXPECT_EQ(cluster.pick(0, kNow), -1);
  EXPECT_FALSE(cluster.has_available_server(kNow));
}

TEST(UpstreamCluster, MaxFailuresInARowEjectsForTheEjectionTime) {
  UpstreamCluster cluster(upstream("eject", 2));
  cluster.record_failure(0, kNow);
  cluster.record_failure(0, kNow);
  EXPECT_TRUE(cluster.server(0).is_available(kNow));  // 2 of 3

  cluster.record_failure(0, kNow);
  EXPECT_FALSE(cluster.server(0).is_available(kNow));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(cluster.pick(0, kNow + seconds(29)), 1);

  EXPECT_TRUE(cluster.server(0).is_available(kNow + seconds(30)));
  EXPECT_EQ(cluster.pick(bit(1), kNow + seconds(30)), 0);
}

TEST(UpstreamCluster, EjectedServerNeedsFullMaxFailuresAgain) {
  UpstreamCluster cluster(upstream("eject_again", 1));
  for (int i = 0; i < 3; ++i) cluster.record_failure(0, kNow);
  const SteadyTime later = kNow + seconds(31);
  ASSERT_TRUE(cluster.server(0).is_available(later));
  cluster.record_failure(0, later);  // one failure after coming back is not enough
  EXPECT_TRUE(cluster.server(0).is_available(later));
}

TEST(UpstreamCluster, SuccessResetsTheFailureCount) {
  UpstreamCluster cluster(upstream("reset", 1));
  cluster.record_failure(0, kNow);
  cluster.record_failure(0, kNow);
  cluster.record_success(0);
  cluster.record_failure(0, kNow);
  cluster.record_failure(0, kNow);
  EXPECT_TRUE(cluster.server(0).is_available(kNow));
  cluster.record_failure(0, kNow);
  EXPECT_FALSE(cluster.server(0).is_available(kNow));
}

TEST(UpstreamCluster, ZeroMaxFailuresNeverEjects) {
  config::UpstreamConfig c = upstream("no_passive", 1);
  c.passive_health.max_failures = 0;
  UpstreamCluster cluster(c);
  for (int i = 0; i < 100; ++i) cluster.record_failure(0, kNow);
  EXPECT_TRUE(cluster.server(0).is_available(kNow));
}

TEST(UpstreamCluster, HasAvailableServerFollowsEjection) {
  UpstreamCluster cluster(upstream("available", 1));
  EXPECT_TRUE(cluster.has_available_server(kNow));
  for (int i = 0; i < 3; ++i) cluster.record_failure(0, kNow);
  EXPECT_FALSE(cluster.has_available_server(kNow));
  EXPECT_TRUE(cluster.has_available_server(kNow + seconds(30)));
}

TEST(UpstreamCluster, LeastRequestsPrefersTheLeastLoaded) {
  UpstreamCluster cluster(upstream("lr", 3, config::LoadBalancing::least_requests));
  cluster.server(0).in_flight = 5;
  cluster.server(1).in_flight = 1;
  cluster.server(2).in_flight = 3;
  for (int i = 0; i < 6; ++i) EXPECT_EQ(cluster.pick(0, kNow), 1);
  EXPECT_EQ(cluster.pick(bit(1), kNow), 2);
}

TEST(UpstreamCluster, LeastRequestsSkipsUnavailableServers) {
  UpstreamCluster cluster(upstream("lr_unavailable", 2, config::LoadBalancing::least_requests));
  cluster.server(0).in_flight = 0;
  cluster.server(1).in_flight = 9;
  cluster.set_active_health(0, false);
  EXPECT_EQ(cluster.pick(0, kNow), 1);
  EXPECT_EQ(cluster.pick(bit(1), kNow), -1);
}

TEST(UpstreamCluster, LeastRequestsSpreadsTies) {
  UpstreamCluster cluster(upstream("lr_ties", 2, config::LoadBalancing::least_requests));
  std::map<int, int> picks;
  for (int i = 0; i < 10; ++i) ++picks[cluster.pick(0, kNow)];
  EXPECT_EQ(picks, (std::map<int, int>{{0, 5}, {1, 5}}));
}

}  // namespace
}  // namespace centinela::proxy
