// Reloads under load: requests in flight across SIGHUPs finish on the config
// they started on and the next request on the same connection gets the new
// one; a reload does not forget which servers are down (a reload that makes a
// dead server "up" again sends requests into connect timeouts); and with
// Redis killed and restarted, requests keep being served (limits fail open,
// the cache falls back to L1).
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "cache_fixture.h"
#include "redis_server.h"

namespace itest {
namespace {

class ReloadTest : public CacheTest {
 protected:
  double reloads() {
    return metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0);
  }

  // Rewrites the file as config_ + extra_yaml, sends SIGHUP and waits until it counts.
  ::testing::AssertionResult reload(const std::string& extra_yaml = "") {
    const double before = reloads();
    write_config_file(config_.render() + extra_yaml);
    if (!gateway_->send_signal(SIGHUP)) return ::testing::AssertionFailure() << "no SIGHUP";
    if (!eventually([&] { return reloads() >= before + 1; }, 3000ms)) {
      return ::testing::AssertionFailure() << "reload not counted: " << gateway_->stderr_text();
    }
    return ::testing::AssertionSuccess();
  }

  // The state /ready gives `server` ("up", "down", "ejected"), or why not.
  std::string server_state(const std::string& server) {
    HttpResponse ready = admin_get("/ready");
    auto body = parse_json(ready.body);
    if (!body) return "(not JSON: " + ready.body + ")";
    const JsonValue* upstreams = body->get("upstreams");
    if (upstreams == nullptr) return "(no upstreams)";
    for (const JsonValue& upstream : upstreams->items) {
      const JsonValue* servers = upstream.get("servers");
      if (servers == nullptr) continue;
      for (const JsonValue& entry : servers->items) {
        if (entry.string_at("server") == server) return entry.string_at("state");
      }
    }
    return "(no such server)";
  }
};

TEST_F(ReloadTest, RequestsAcrossReloadsCompleteAndTheNextOneSeesTheNewConfig) {
  origin_.on("/api/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "slow");
    reply.delay = 300ms;
    return reply;
  });
  config_.routes = {R"({match: {prefix: "/api/"}, upstream: api})"};
  ASSERT_TRUE(start_with());

  constexpr int kClients = 6;
  constexpr int kReloads = 4;
  std::vector<std::unique_ptr<HttpConnection>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<HttpConnection>(port()));
    ASSERT_TRUE(clients.back()->connected()) << clients.back()->error();
  }
  const auto base_routes = config_.routes;
  for (int round = 1; round <= kReloads; ++round) {
    // Every connection has a request in flight while the file changes.
    for (auto& client : clients) ASSERT_TRUE(client->send(build_request("GET", "/api/slow")));
    ASSERT_TRUE(origin_.wait_for_requests(static_cast<std::size_t>(round * kClients), 3s));
    config_.routes = base_routes;
    const std::string added = "/r" + std::to_string(round) + "/";
    config_.routes.push_back(R"({match: {prefix: ")" + added + R"("}, upstream: api})");
    ASSERT_TRUE(reload());
    for (auto& client : clients) {
      HttpResponse response = client->read_response();
      EXPECT_EQ(response.status, 200) << "round " << round << ": " << response.error;
      EXPECT_EQ(response.body, "slow");
    }
    // These connections now wait for their next request; the file changes
    // again meanwhile, and their next request is a new one: it gets the new file.
    const std::string idle_added = "/idle" + std::to_string(round) + "/";
    config_.routes.push_back(R"({match: {prefix: ")" + idle_added + R"("}, upstream: api})");
    ASSERT_TRUE(reload());
    for (auto& client : clients) {
      ASSERT_TRUE(client->send(build_request("GET", idle_added + "x")));
      HttpResponse response = client->read_response();
      EXPECT_EQ(response.status, 200)
          << "round " << round << ": " << idle_added << " is not routed on a kept-alive connection";
    }
  }
  EXPECT_EQ(metric("centinela_config_reloads_total", {{"result", "failure"}}).value_or(0), 0);
}

TEST_F(ReloadTest, AReloadKeepsADownServerDown) {
  ReservedPort dead;  // bound, not listening: connections are refused
  const std::string dead_server = fmt::format("127.0.0.1:{}", dead.port());
  config_.upstreams["api"] =
      upstream_yaml({origin_.address(), dead_server},
                    "health_check: {path: /health, interval: 2s, unhealthy_threshold: 2}, "
                    "passive_health: {max_failures: 0}");
  ASSERT_TRUE(start_with());
  ASSERT_TRUE(eventually([&] { return server_state(dead_server) == "down"; }, 6000ms, 50ms))
      << server_state(dead_server);

  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(reload());
    // The new config's checker has not yet failed twice: what it knows comes from before.
    EXPECT_EQ(server_state(dead_server), "down") << "after reload " << i;
    EXPECT_EQ(server_state(origin_.address()), "up") << "after reload " << i;
    EXPECT_EQ(get("/x").status, 200);
  }
}

TEST_F(ReloadTest, RequestsKeepSucceedingWhileRedisIsKilledAndRestarted) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  cache_route("{}",
              "rate_limit: [{name: per_ip, key: ip, limit: 1000000, window: 1s, store: redis}]");
  origin_.on("/c", numbered("c", {{"Cache-Control", "max-age=60"}}));
  const std::string redis_yaml =
      "redis:\n  url: \"" + redis.url() + "\"\n  timeout: 200ms\ncache:\n  shared: redis\n";
  ASSERT_TRUE(start_with(redis_yaml));
  EXPECT_TRUE(eventually([&] { return metric("centinela_redis_connected") == 1.0; }, 5000ms));

  std::atomic<int> served{0};
  std::atomic<int> failed{0};
  std::mutex failure_mutex;
  std::string first_failure;
  std::jthread load([&](std::stop_token stop) {
    for (int n = 0; !stop.stop_requested(); ++n) {
      HttpResponse response = get(n % 2 ? "/c" : "/plain-" + std::to_string(n));
      if (response.status == 200) {
        ++served;
        continue;
      }
      ++failed;
      std::lock_guard lock(failure_mutex);
      if (first_failure.empty()) {
        first_failure = std::to_string(response.status) + " " + response.error + response.body;
      }
    }
  });
  auto served_more = [&](int n) {
    const int target = served.load() + n;
    return eventually([&] { return served.load() >= target; }, 5000ms);
  };
  ASSERT_TRUE(served_more(20));
  redis.stop();
  EXPECT_TRUE(served_more(50)) << "requests stalled with Redis down";
  ASSERT_TRUE(reload(redis_yaml));  // a reload while Redis is down changes nothing either
  EXPECT_TRUE(served_more(20));
  ASSERT_TRUE(redis.start());
  EXPECT_TRUE(eventually([&] { return metric("centinela_redis_connected") == 1.0; }, 10000ms));
  EXPECT_TRUE(served_more(50));
  load.request_stop();
  load.join();
  EXPECT_EQ(failed.load(), 0) << "first failure: " << first_failure;
}

}  // namespace
}  // namespace itest
