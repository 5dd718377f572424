// The warmer against a real HTTP server on loopback.
#include "warm/warmer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "test_http_server.h"
#include "warm/warm_report.h"

namespace centinela::warm {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;

config::Endpoint loopback(std::uint16_t port) {
  return config::Endpoint{"127.0.0.1", port, "127.0.0.1:" + std::to_string(port)};
}

std::vector<WarmUrl> paths(std::size_t count, std::string_view prefix = "/item/") {
  std::vector<WarmUrl> urls;
  for (std::size_t i = 0; i < count; ++i)
    urls.push_back({"", std::string(prefix) + std::to_string(i)});
  return urls;
}

TEST(WarmerTest, FetchesEveryUrlOnceWithBoundedConcurrency) {
  TestHttpServer server(15ms);
  const auto urls = paths(40);
  std::vector<std::size_t> done_seen;
  Warmer warmer;
  const WarmSummary summary =
      warmer.run(loopback(server.port()), urls, 4,
                 [&](const WarmProgress& p) { done_seen.push_back(p.done); });

  EXPECT_EQ(summary.total, 40u);
  EXPECT_EQ(summary.done, 40u);
  EXPECT_EQ(summary.cached, 40u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_FALSE(summary.cancelled);
  EXPECT_EQ(server.request_count(), 40u);
  EXPECT_LE(server.max_in_flight(), 4u);
  EXPECT_GE(server.max_in_flight(), 2u);  // the bound is a bound, not serialisation
  EXPECT_LE(server.connections(), 4u);    // each lane keeps its connection alive

  std::vector<std::string> targets;
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.method, "GET");
    targets.push_back(request.target);
  }
  std::sort(targets.begin(), targets.end());
  std::vector<std::string> expected;
  for (const auto& url : urls) expected.push_back(url.target);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(targets, expected);

  ASSERT_EQ(done_seen.size(), 40u);
  for (std::size_t i = 0; i < done_seen.size(); ++i) EXPECT_EQ(done_seen[i], i + 1);
}

TEST(WarmerTest, ConcurrencyOneIsSerial) {
  TestHttpServer server(5ms);
  Warmer warmer;
  const WarmSummary summary = warmer.run(loopback(server.port()), paths(10), 1);
  EXPECT_EQ(summary.cached, 10u);
  EXPECT_EQ(server.max_in_flight(), 1u);
  EXPECT_EQ(server.connections(), 1u);
}

TEST(WarmerTest, ClassifiesEachAnswer) {
  TestHttpServer server;
  Warmer warmer;
  const std::vector<WarmUrl> urls = {{"", "/stored"}, {"", "/fail"},      {"", "/nocache"},
                                     {"", "/bypass"}, {"", "/notstored"}, {"", "/close"},
                                     {"", "/stored2"}};
  const WarmSummary summary = warmer.run(loopback(server.port()), urls, 2);
  EXPECT_EQ(summary.done, 7u);
  EXPECT_EQ(summary.cached, 3u);  // /stored, /close, /stored2
  EXPECT_EQ(summary.not_cacheable, 3u);
  EXPECT_EQ(summary.failed, 1u);
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_NE(summary.failures[0].find("/fail"), std::string::npos) << summary.failures[0];
  EXPECT_NE(summary.failures[0].find("500"), std::string::npos) << summary.failures[0];
}

TEST(WarmerTest, ReconnectsAfterTheServerClosesTheConnection) {
  TestHttpServer server;
  Warmer warmer;
  std::vector<WarmUrl> urls(5, WarmUrl{"", "/close"});
  const WarmSummary summary = warmer.run(loopback(server.port()), urls, 1);
  EXPECT_EQ(summary.cached, 5u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_EQ(server.connections(), 5u);
}

TEST(WarmerTest, SendsTheUrlsHostOrTheGatewayAddress) {
  TestHttpServer server;
  Warmer warmer;
  const std::vector<WarmUrl> urls = {{"shop.example", "/a"}};
  warmer.run(loopback(server.port()), urls, 1);
  warmer.run(loopback(server.port()), {{"", "/b"}}, 1);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].host, "shop.example");
  EXPECT_EQ(requests[1].host, "127.0.0.1:" + std::to_string(server.port()));
}

TEST(WarmerTest, WildcardListenAddressIsReachedOnLoopback) {
  TestHttpServer server;
  Warmer warmer;
  const config::Endpoint wildcard{"0.0.0.0", server.port(),
                                  "0.0.0.0:" + std::to_string(server.port())};
  const WarmSummary summary = warmer.run(wildcard, paths(3), 2);
  EXPECT_EQ(summary.cached, 3u);
  EXPECT_EQ(server.requests().at(0).host, "127.0.0.1:" + std::to_string(server.port()));

  EXPECT_EQ(connect_address(config::Endpoint{"::", 80, "[::]:80"}).host, "::1");
  EXPECT_EQ(host_field(config::Endpoint{"::1", 80, ""}), "[::1]:80");
  EXPECT_EQ(host_field(config::Endpoint{"localhost", 8080, ""}), "localhost:8080");
}

TEST(WarmerTest, ASlowAnswerTimesOutAndTheRestGoOn) {
  TestHttpServer server;
  Warmer warmer(WarmOptions{.timeout = 200ms});
  const auto started = std::chrono::steady_clock::now();
  const WarmSummary summary =
      warmer.run(loopback(server.port()), {{"", "/hang"}, {"", "/a"}, {"", "/b"}}, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.cached, 2u);
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_NE(summary.failures[0].find("timed out"), std::string::npos) << summary.failures[0];
}

TEST(WarmerTest, NobodyListeningFailsEveryUrl) {
  std::uint16_t port = 0;
  {
    TestHttpServer closed;  // a port that was just free, now closed again
    port = closed.port();
  }
  Warmer warmer;
  const WarmSummary summary = warmer.run(loopback(port), paths(3), 2);
  EXPECT_EQ(summary.done, 3u);
  EXPECT_EQ(summary.failed, 3u);
  ASSERT_FALSE(summary.failures.empty());
  EXPECT_NE(summary.failures[0].find("connect"), std::string::npos) << summary.failures[0];
}

TEST(WarmerTest, CancelStopsARunInProgress) {
  TestHttpServer server;
  Warmer warmer;  // 30 s timeout: only cancel() can end this run early
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    warmer.cancel();
  });
  const auto started = std::chrono::steady_clock::now();
  const WarmSummary summary =
      warmer.run(loopback(server.port()), std::vector<WarmUrl>(4, WarmUrl{"", "/hang"}), 2);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_TRUE(summary.cancelled);
  EXPECT_EQ(summary.done, 0u);
}

TEST(WarmReportTest, LinesSayWhatHappened) {
  WarmSummary summary;
  summary.total = 500;
  summary.done = 120;
  summary.failed = 3;
  summary.elapsed = 2s;
  EXPECT_EQ(progress_line(summary), "warm: 120/500 done, 3 failed, 60 req/s");
  summary.done = 500;
  summary.cached = 480;
  summary.not_cacheable = 17;
  summary.elapsed = 5s;
  EXPECT_EQ(summary_line(summary),
            "warm: finished 500 URLs in 5.0 s: 480 cached, 17 not cacheable, 3 failed (100 req/s)");
  summary.cancelled = true;
  summary.done = 250;
  EXPECT_EQ(summary_line(summary).rfind("warm: cancelled after 250/500 URLs in 5.0 s", 0), 0u)
      << summary_line(summary);
}

TEST(WarmReportTest, ThrottleLetsAtMostOneUpdatePerInterval) {
  const auto t0 = std::chrono::steady_clock::time_point{} + 10s;
  ProgressThrottle throttle(250ms, t0);
  EXPECT_FALSE(throttle.due(t0));  // a run shorter than the interval shows no progress
  EXPECT_FALSE(throttle.due(t0 + 249ms));
  EXPECT_TRUE(throttle.due(t0 + 250ms));
  EXPECT_FALSE(throttle.due(t0 + 300ms));
  EXPECT_FALSE(throttle.due(t0 + 499ms));
  EXPECT_TRUE(throttle.due(t0 + 600ms));
  EXPECT_TRUE(throttle.due(t0 + 10s));
}

}  // namespace
}  // namespace centinela::warm
