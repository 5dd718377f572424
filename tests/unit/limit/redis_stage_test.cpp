// The rate-limit stage against a real redis-server (skipped when none is installed):
// the Lua script's decisions, all-or-nothing, and the fall-back when Redis
// goes away.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "fake_exchange.h"
#include "limit/rate_limit_stage.h"
#include "redis/client.h"
#include "redis_process.h"

namespace centinela::limit {
namespace {

namespace asio = boost::asio;

struct Outcome {
  int admitted = 0;
  int refused = 0;
  unsigned refusal_status = 0;  // of the last refusal
  std::string last_ratelimit;
  std::string last_log;
};

// Runs `count` requests from `ip` through the stage on `io`, after waiting
// (up to 2 s) for the client to connect when `wait_connected`.
Outcome run_requests(asio::io_context& io, redis::Client& client, stage::Stage& limiter, int count,
                     const std::string& ip, bool wait_connected) {
  Outcome outcome;
  stage::WorkerResources resources{&io, 0, &client};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        for (int i = 0; wait_connected && !client.connected() && i < 200; ++i) {
          timer.expires_after(std::chrono::milliseconds(10));
          co_await timer.async_wait(asio::use_awaitable);
        }
        for (int i = 0; i < count; ++i) {
          testing::FakeRequest request;
          stage::RequestContext& ctx = request.ctx;
          ctx.client_ip = ip;
          ctx.worker = &resources;
          stage::RequestVerdict verdict = co_await limiter.on_request_head_async(ctx);
          if (verdict.kind() == stage::RequestVerdict::Kind::proceed) {
            ++outcome.admitted;
          } else {
            ++outcome.refused;
            if (verdict.kind() == stage::RequestVerdict::Kind::respond) {
              outcome.refusal_status = verdict.local().status;
            }
          }
          for (const auto& [name, value] : ctx.response_headers) {
            if (name == "RateLimit") outcome.last_ratelimit = value;
          }
          outcome.last_log = ctx.ratelimit;
        }
        io.stop();  // the client's reconnect timers would keep run_for busy
      },
      asio::detached);
  io.restart();
  io.run_for(std::chrono::seconds(10));
  return outcome;
}

config::Config load(const std::string& yaml) {
  auto result = config::load_string(yaml, "test.yaml");
  if (!result.errors.empty()) ADD_FAILURE() << result.errors.front().to_string();
  return result.config.value_or(config::Config{});
}

std::string config_text(int port, const std::string& on_error) {
  return "redis: {url: \"redis://127.0.0.1:" + std::to_string(port) +
         "/0\"}\nrate_limit: {on_store_error: " + on_error +
         "}\nupstreams: {api: {servers: [\"127.0.0.1:1\"]}}\nroutes:\n"
         "  - match: {prefix: /}\n    name: redis_route\n    upstream: api\n"
         "    rate_limit:\n"
         "      - {name: few, key: ip, limit: 4, window: 1h}\n"
         "      - {name: many, key: ip, limit: 100, window: 1h, algorithm: sliding_window}\n";
}

TEST(RedisRateLimit, SharedDecisionsAllOrNothingAndFallback) {
  if (::access("/usr/bin/redis-server", X_OK) != 0) GTEST_SKIP() << "no redis-server";
  RedisProcess redis_process;
  const config::Config config = load(config_text(redis_process.port(), "allow"));
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  ASSERT_TRUE(limiter->is_async());
  asio::io_context io;
  redis::Client client(io, *config.redis);

  Outcome first = run_requests(io, client, *limiter, 10, "203.0.113.5", true);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(first.admitted, 4);
  EXPECT_EQ(first.refused, 6);
  EXPECT_EQ(first.last_log, "limited:few");
  EXPECT_EQ(first.refusal_status, 429u);
  // Refused requests spent nothing from `many`: 100 - 4.
  EXPECT_EQ(first.last_ratelimit, R"("few";r=0;t=3600, "many";r=96;t=3600)");

  // A second stage (another gateway, or after a reload) sees the same counts.
  auto other = make_rate_limit_stage(config, config.routes.at(0));
  EXPECT_EQ(run_requests(io, client, *other, 3, "203.0.113.5", false).admitted, 0);
  EXPECT_EQ(run_requests(io, client, *other, 5, "203.0.113.6", false).admitted, 4);

  // Redis gone: fail open to the in-process count (a fresh one: 4 more).
  redis_process.stop();
  Outcome down = run_requests(io, client, *limiter, 6, "203.0.113.5", false);
  EXPECT_EQ(down.admitted, 4);
  EXPECT_EQ(down.refused, 2);
  client.close();
}

TEST(RedisRateLimit, FailClosedRefusesWhileRedisIsDown) {
  if (::access("/usr/bin/redis-server", X_OK) != 0) GTEST_SKIP() << "no redis-server";
  const config::Config config = load(config_text(free_port(), "deny"));  // nobody there
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  asio::io_context io;
  redis::Client client(io, *config.redis);
  Outcome outcome = run_requests(io, client, *limiter, 3, "203.0.113.9", false);
  EXPECT_EQ(outcome.admitted, 0);
  EXPECT_EQ(outcome.refused, 3);
  EXPECT_EQ(outcome.last_log, "store_error");
  EXPECT_EQ(outcome.refusal_status, 429u);
  client.close();
}

}  // namespace
}  // namespace centinela::limit
