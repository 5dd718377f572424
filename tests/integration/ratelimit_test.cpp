// Rate limiting end to end: exact counts under concurrency, the RateLimit
// fields and the 429 answer, spoofed X-Forwarded-For, the allowlist, and
// several gateways sharing one real redis-server (also while it dies).
#include <atomic>
#include <thread>

#include "gateway_fixture.h"
#include "redis_server.h"

namespace itest {
namespace {

class RateLimitTest : public GatewayTest {
 protected:
  // config_ rendered plus top-level sections the fixture does not know.
  ::testing::AssertionResult start_with(const std::string& extra_yaml) {
    write_config_file(config_.render() + extra_yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  void limit_route(const std::string& policies) {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api, rate_limit: )" + policies + "}"};
  }
};

// Sends `total` GETs from `clients` threads, each on a fresh connection,
// to the ports in turn; returns the statuses.
std::map<int, int> hammer(const std::vector<std::uint16_t>& ports, int clients, int total,
                          const HeaderList& headers = {}) {
  std::atomic<int> next{0};
  std::mutex mutex;
  std::map<int, int> statuses;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int i = next++; i < total; i = next++) {
        HttpResponse response = http_get(ports[i % ports.size()], "/limited", headers);
        std::lock_guard lock(mutex);
        ++statuses[response.status];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return statuses;
}

TEST_F(RateLimitTest, ExactlyLimitAdmittedForOneKeyUnder50ConcurrentClients) {
  limit_route("[{name: per_ip, key: ip, limit: 37, window: 1h}]");
  ASSERT_TRUE(start_gateway());
  std::map<int, int> statuses = hammer({port()}, 50, 150);
  EXPECT_EQ(statuses[200], 37);
  EXPECT_EQ(statuses[429], 150 - 37);
  EXPECT_EQ(origin_.request_count("/limited"), 37u);
  EXPECT_EQ(metric("centinela_ratelimit_decisions_total",
                   {{"policy", "per_ip"}, {"decision", "allowed"}}),
            37);
  EXPECT_EQ(metric("centinela_ratelimit_decisions_total",
                   {{"policy", "per_ip"}, {"decision", "limited"}}),
            150 - 37);
}

TEST_F(RateLimitTest, RateLimitFieldsOnEveryResponseAnd429WithRetryAfter) {
  limit_route(
      "[{name: per_ip, key: ip, limit: 2, window: 1m}, "
      "{name: per_day, key: ip, limit: 1000, window: 1d, algorithm: sliding_window}]");
  ASSERT_TRUE(start_gateway());
  const std::string policy = R"("per_ip";q=2;w=60, "per_day";q=1000;w=86400)";

  HttpResponse first = get("/x");
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.header("ratelimit-policy"), policy);
  EXPECT_EQ(first.header("ratelimit"), R"("per_ip";r=1;t=30, "per_day";r=999;t=86400)");
  EXPECT_FALSE(first.has_header("x-ratelimit-limit"));
  EXPECT_FALSE(first.has_header("retry-after"));

  HttpResponse second = get("/x");
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.header("ratelimit"), R"("per_ip";r=0;t=60, "per_day";r=998;t=86400)");

  HttpResponse refused = get("/x");
  ASSERT_TRUE(is_gateway_error(refused, 429, "RATE_LIMITED"));
  EXPECT_EQ(refused.header("retry-after"), "30");
  EXPECT_EQ(refused.header("ratelimit-policy"), policy);
  // per_day was not reached: its state is shown unchanged.
  EXPECT_EQ(refused.header("ratelimit"), R"("per_ip";r=0;t=60, "per_day";r=998;t=86400)");
  auto body = parse_json(refused.body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->number_at("error.retry_after_s"), 30);
  EXPECT_EQ(origin_.request_count("/x"), 2u);

  auto logged = wait_for_access_log(
      [](const JsonValue& entry) { return entry.number_at("status") == 429.0; });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("ratelimit"), "limited:per_ip");
}

TEST_F(RateLimitTest, LegacyHeadersOnlyWhenAsked) {
  limit_route("[{name: p, limit: 5, window: 10s, legacy_headers: true}]");
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/x");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("x-ratelimit-limit"), "5");
  EXPECT_EQ(response.header("x-ratelimit-remaining"), "4");
  EXPECT_EQ(response.header("x-ratelimit-reset"), "2");
}

TEST_F(RateLimitTest, SpoofedForwardedForFromUntrustedPeerIsIgnored) {
  limit_route("[{name: per_ip, key: ip, limit: 3, window: 1h}]");
  ASSERT_TRUE(start_gateway());  // no trusted_proxies: 127.0.0.1 is not one
  int admitted = 0;
  for (int i = 0; i < 10; ++i) {
    HttpResponse response = get("/x", {{"X-Forwarded-For", fmt::format("10.1.2.{}", i)}});
    if (response.status == 200)
      ++admitted;
    else
      EXPECT_EQ(response.status, 429);
  }
  EXPECT_EQ(admitted, 3);
  // A 100 KiB forged header changes nothing either (the head limit may refuse it first).
  HttpResponse huge = get("/x", {{"X-Forwarded-For", std::string(100 * 1024, '1')}});
  EXPECT_NE(huge.status, 200);
}

TEST_F(RateLimitTest, HeaderKeysCountSeparatelyAndHostileValuesAreHarmless) {
  limit_route("[{name: per_tenant, key: \"header:X-Tenant\", limit: 2, window: 1h}]");
  ASSERT_TRUE(start_gateway());
  for (const std::string tenant : {"a", "b"}) {
    EXPECT_EQ(get("/x", {{"X-Tenant", tenant}}).status, 200);
    EXPECT_EQ(get("/x", {{"X-Tenant", tenant}}).status, 200);
    EXPECT_EQ(get("/x", {{"X-Tenant", tenant}}).status, 429);
  }
  const std::string long_value(8000, 'z');
  EXPECT_EQ(get("/x", {{"X-Tenant", long_value}}).status, 200);
  EXPECT_EQ(get("/x", {{"X-Tenant", long_value}}).status, 200);
  EXPECT_EQ(get("/x", {{"X-Tenant", long_value}}).status, 429);
  EXPECT_TRUE(serves_normally());
}

TEST_F(RateLimitTest, AllowlistedClientsAreNeverLimited) {
  limit_route("[{name: per_ip, key: ip, limit: 1, window: 1h}]");
  ASSERT_TRUE(start_with("rate_limit:\n  allowlist: [\"127.0.0.0/8\"]\n"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/x").status, 200);
}

// --- Redis store: gateways sharing one real redis-server ---------------------

class SharedRateLimitTest : public RateLimitTest {
 protected:
  // `count` gateways beside the fixture's (which is not started), same routes.
  ::testing::AssertionResult start_instances(int count, const std::string& extra_yaml) {
    auto started = ::testing::AssertionSuccess();
    for (int i = 0; i < count && started; ++i) started = start_other_gateway(extra_yaml);
    return started;
  }

  std::vector<std::uint16_t> ports() const {
    std::vector<std::uint16_t> out;
    for (const auto& other : others_) out.push_back(other->port());
    return out;
  }
};

TEST_F(SharedRateLimitTest, ThreeGatewaysSharingOneRedisAdmitExactlyTheLimit) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route(
      "[{name: shared, key: global, limit: 40, window: 1h}, "
      "{name: shared_sliding, key: ip, limit: 1000, window: 1h, "
      "algorithm: sliding_window}]");
  ASSERT_TRUE(start_instances(3, "redis:\n  url: \"" + redis.url() + "\"\n"));
  std::map<int, int> statuses = hammer(ports(), 30, 120);
  EXPECT_EQ(statuses[200], 40);
  EXPECT_EQ(statuses[429], 80);
  // The refused ones spent nothing from the sliding window (all-or-nothing).
  HttpResponse again = http_get(ports()[0], "/x");
  EXPECT_EQ(again.status, 429);
  EXPECT_NE(again.header("ratelimit").value_or("").find(R"("shared_sliding";r=960;)"),
            std::string::npos)
      << again.header("ratelimit").value_or("");
}

TEST_F(SharedRateLimitTest, RedisDownFailsOpenToTheInProcessLimit) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: p, key: ip, limit: 5, window: 1h}]");
  ASSERT_TRUE(start_instances(1, "redis:\n  url: \"" + redis.url() + "\"\n"));
  const std::uint16_t port = ports()[0];
  for (int i = 0; i < 2; ++i) EXPECT_EQ(http_get(port, "/x").status, 200);
  redis.stop();
  // The in-process fallback has its own count: 5 more, then refused.
  int admitted = 0;
  for (int i = 0; i < 8; ++i) admitted += http_get(port, "/x").status == 200;
  EXPECT_EQ(admitted, 5);
  auto errors = metric_value(http_get(others_[0]->admin_port(), "/metrics").body,
                             "centinela_ratelimit_store_errors_total", {});
  ASSERT_TRUE(errors);
  EXPECT_GE(*errors, 8);
  EXPECT_NE(others_[0]->process->stderr_text().find("rate-limit store"), std::string::npos);
  // Redis back: the shared count (2 spent) applies again.
  ASSERT_TRUE(redis.start());
  EXPECT_TRUE(eventually([&] { return http_get(port, "/x").status == 200; }, 5000ms, 100ms));
}

TEST_F(SharedRateLimitTest, RedisDownFailsClosedWhenAsked) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: p, key: ip, limit: 100, window: 1h}]");
  ASSERT_TRUE(start_instances(
      1, "redis:\n  url: \"" + redis.url() + "\"\nrate_limit:\n  on_store_error: deny\n"));
  const std::uint16_t port = ports()[0];
  EXPECT_EQ(http_get(port, "/x").status, 200);
  redis.stop();
  HttpResponse refused = http_get(port, "/x");
  EXPECT_TRUE(is_gateway_error(refused, 429, "RATE_LIMITED"));
  EXPECT_TRUE(refused.has_header("retry-after"));
  ASSERT_TRUE(redis.start());
  EXPECT_TRUE(eventually([&] { return http_get(port, "/x").status == 200; }, 5000ms, 100ms));
}

}  // namespace
}  // namespace itest
