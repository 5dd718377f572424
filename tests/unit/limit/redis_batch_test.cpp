// Batching of the Redis decisions against a real redis-server (skipped when
// none is installed): the decisions of one event-loop turn leave as one
// script call (counted by Redis itself, INFO commandstats, read on a second
// connection), and decisions for the same key inside one batch are exact and
// all-or-nothing, as separate calls would be.
#include "limit/redis_batch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "fake_exchange.h"
#include "limit/rate_limit_stage.h"
#include "redis/client.h"
#include "redis_process.h"

namespace centinela::limit {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

config::Config load(const std::string& yaml) {
  auto result = config::load_string(yaml, "test.yaml");
  if (!result.errors.empty()) ADD_FAILURE() << result.errors.front().to_string();
  return result.config.value_or(config::Config{});
}

std::string config_text(int port, const std::string& policies) {
  return "redis: {url: \"redis://127.0.0.1:" + std::to_string(port) +
         "/0\"}\nrate_limit: {on_store_error: allow}\n"
         "upstreams: {api: {servers: [\"127.0.0.1:1\"]}}\nroutes:\n"
         "  - match: {prefix: /}\n    name: batch_route\n    upstream: api\n"
         "    rate_limit:\n" +
         policies;
}

struct Answer {
  bool admitted = false;
  std::string ratelimit;  // the RateLimit field
  std::string log;        // ctx.ratelimit
};

// What Redis says it ran: cmdstat_evalsha's calls (0 before the first).
std::int64_t evalsha_calls(const redis::Reply& info) {
  const std::string_view text = info.str;
  const std::string_view marker = "cmdstat_evalsha:calls=";
  const std::size_t at = text.find(marker);
  if (at == std::string_view::npos) return 0;
  return std::stoll(std::string(text.substr(at + marker.size(), 20)));
}

class RedisBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/usr/bin/redis-server", X_OK) != 0) GTEST_SKIP() << "no redis-server";
  }

  // Sends `ips.size()` requests through `stage` all in the same turn of the
  // loop (one coroutine each, started together), after one warm-up request
  // that loads the script; returns their answers in order and how many
  // EVALSHA calls Redis counted for them.
  //
  // With `turns` > 1 the requests are started over that many successive
  // turns instead.
  std::vector<Answer> concurrent(const config::Config& config, stage::Stage& stage,
                                 const std::vector<std::string>& ips, std::int64_t& script_calls,
                                 std::size_t turns = 1) {
    return concurrent(config, std::vector<stage::Stage*>{&stage}, ips, script_calls, turns);
  }

  // The same, request i going through stages[i % stages.size()].
  std::vector<Answer> concurrent(const config::Config& config,
                                 const std::vector<stage::Stage*>& stages,
                                 const std::vector<std::string>& ips, std::int64_t& script_calls,
                                 std::size_t turns = 1) {
    stage::Stage& stage = *stages.front();
    asio::io_context io;
    redis::Client client(io, *config.redis);
    redis::Client stats(io, *config.redis);  // a second connection, for INFO
    stage::WorkerResources resources{&io, 0, &client};
    std::vector<Answer> answers(ips.size());
    script_calls = -1;

    auto one = [&](std::size_t i) -> asio::awaitable<void> {
      testing::FakeRequest request;
      stage::RequestContext& ctx = request.ctx;
      ctx.client_ip = ips[i];
      ctx.worker = &resources;
      const stage::RequestVerdict verdict =
          co_await stages[i % stages.size()]->on_request_head_async(ctx);
      answers[i].admitted = verdict.kind() == stage::RequestVerdict::Kind::proceed;
      for (const auto& [name, value] : ctx.response_headers) {
        if (name == "RateLimit") answers[i].ratelimit = value;
      }
      answers[i].log = ctx.ratelimit;
    };

    // Out of the coroutine: GCC 12 cannot initialise from literals in one.
    const std::vector<std::string> info{"INFO", "commandstats"};
    const std::string warm_up_ip = "192.0.2.254";
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          asio::steady_timer timer(io);
          for (int i = 0; (!client.connected() || !stats.connected()) && i < 200; ++i) {
            timer.expires_after(10ms);
            co_await timer.async_wait(asio::use_awaitable);
          }
          // Warm-up on an address none of the tests uses: loads the script
          // (NOSCRIPT, then EVAL) so the count below is the batch's alone.
          {
            testing::FakeRequest request;
            stage::RequestContext& ctx = request.ctx;
            ctx.client_ip = warm_up_ip;
            ctx.worker = &resources;
            co_await stage.on_request_head_async(ctx);
          }
          auto before = co_await stats.command(info);
          // All started in this turn: each coroutine's first step is queued
          // now and runs before anything they queue themselves.
          int done = 0;
          const std::size_t per_turn = (ips.size() + turns - 1) / turns;
          for (std::size_t i = 0; i < ips.size(); ++i) {
            if (i > 0 && i % per_turn == 0) co_await asio::post(io, asio::use_awaitable);
            asio::co_spawn(io, one(i), [&done](std::exception_ptr) { ++done; });
          }
          for (int i = 0; done < static_cast<int>(ips.size()) && i < 1000; ++i) {
            timer.expires_after(2ms);
            co_await timer.async_wait(asio::use_awaitable);
          }
          auto after = co_await stats.command(info);
          if (before && after && done == static_cast<int>(ips.size())) {
            script_calls = evalsha_calls(*after) - evalsha_calls(*before);
          }
          client.close();
          stats.close();
          io.stop();
        },
        asio::detached);
    io.run_for(10s);
    return answers;
  }
};

TEST_F(RedisBatchTest, HundredConcurrentDecisionsLeaveInOneScriptCall) {
  RedisProcess redis_process;
  const config::Config config = load(
      config_text(redis_process.port(), "      - {name: per_ip, key: ip, limit: 5, window: 1h}\n"));
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  std::vector<std::string> ips;
  for (int i = 0; i < 100; ++i) ips.push_back("198.51.100." + std::to_string(i + 1));

  std::int64_t script_calls = 0;
  const std::vector<Answer> answers = concurrent(config, *limiter, ips, script_calls);
  for (const Answer& answer : answers) {
    EXPECT_TRUE(answer.admitted);
    EXPECT_EQ(answer.log, "allowed");
    EXPECT_EQ(answer.ratelimit, R"("per_ip";r=4;t=720)");  // each key's first request
  }
  // One call for the turn (a handful at most, should the loop split it).
  EXPECT_GE(script_calls, 1);
  EXPECT_LE(script_calls, 3);
}

TEST_F(RedisBatchTest, ABatchTakesTwoTurnsOfRequests) {
  RedisProcess redis_process;
  const config::Config config = load(
      config_text(redis_process.port(), "      - {name: per_ip, key: ip, limit: 5, window: 1h}\n"));
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  std::vector<std::string> ips;
  for (int i = 0; i < 100; ++i) ips.push_back("198.51.100." + std::to_string(i + 1));

  // Ten turns of ten requests: a batch takes the requests of the turn it
  // opens in and of the next one (kRedisBatchTurns), then leaves; a request
  // never waits longer than that.
  static_assert(kRedisBatchTurns == 2);
  std::int64_t script_calls = 0;
  const std::vector<Answer> answers = concurrent(config, *limiter, ips, script_calls, /*turns=*/10);
  for (const Answer& answer : answers) {
    EXPECT_TRUE(answer.admitted);
    EXPECT_EQ(answer.ratelimit, R"("per_ip";r=4;t=720)");
  }
  EXPECT_EQ(script_calls, 5);
}

TEST_F(RedisBatchTest, SameKeyInOneBatchIsExactAndAllOrNothing) {
  RedisProcess redis_process;
  const config::Config config =
      load(config_text(redis_process.port(),
                       "      - {name: few, key: ip, limit: 10, window: 1h}\n"
                       "      - {name: many, key: ip, limit: 100, window: 1h, "
                       "algorithm: sliding_window}\n"));
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  const std::vector<std::string> ips(25, "203.0.113.77");

  std::int64_t script_calls = 0;
  const std::vector<Answer> answers = concurrent(config, *limiter, ips, script_calls);
  int admitted = 0;
  std::set<std::string> admitted_fields;
  for (const Answer& answer : answers) {
    if (answer.admitted) {
      ++admitted;
      admitted_fields.insert(answer.ratelimit);
    } else {
      EXPECT_EQ(answer.log, "limited:few");
      // Refused requests spent nothing from `many`: 100 - 10 admitted.
      EXPECT_EQ(answer.ratelimit, R"("few";r=0;t=3600, "many";r=90;t=3600)");
    }
  }
  EXPECT_EQ(admitted, 10);
  // Applied one after the other: every admitted request saw its own count.
  EXPECT_EQ(admitted_fields.size(), 10u);
  EXPECT_TRUE(admitted_fields.contains(R"("few";r=9;t=360, "many";r=99;t=3600)"));
  EXPECT_TRUE(admitted_fields.contains(R"("few";r=0;t=3600, "many";r=90;t=3600)"));
  EXPECT_GE(script_calls, 1);
  EXPECT_LE(script_calls, 3);

  // What the batch stored is what a later call finds.
  const std::vector<Answer> later = concurrent(config, *limiter, {"203.0.113.77"}, script_calls);
  EXPECT_FALSE(later.at(0).admitted);
  EXPECT_EQ(later.at(0).ratelimit, R"("few";r=0;t=3600, "many";r=90;t=3600)");
}

TEST_F(RedisBatchTest, RoutesWithOtherPoliciesShareOneCallAndKeepTheirOwnNumbers) {
  RedisProcess redis_process;
  const config::Config config =
      load("redis: {url: \"redis://127.0.0.1:" + std::to_string(redis_process.port()) +
           "/0\"}\nupstreams: {api: {servers: [\"127.0.0.1:1\"]}}\nroutes:\n"
           "  - {name: a, match: {prefix: /a}, upstream: api, rate_limit: [\n"
           "      {name: burst, key: ip, limit: 3, window: 1m},\n"
           "      {name: daily, key: ip, limit: 1000, window: 1d, algorithm: sliding_window}]}\n"
           "  - {name: b, match: {prefix: /b}, upstream: api, rate_limit: [\n"
           "      {name: daily, key: ip, limit: 500, window: 1d, algorithm: sliding_window}]}\n");
  auto route_a = make_rate_limit_stage(config, config.routes.at(0));
  auto route_b = make_rate_limit_stage(config, config.routes.at(1));
  // Alternating a, b, a, b…: one batch holding three distinct policies, with
  // requests of one and of two policies interleaved.
  const std::vector<std::string> ips(10, "203.0.113.9");

  std::int64_t script_calls = 0;
  const std::vector<Answer> answers =
      concurrent(config, {route_a.get(), route_b.get()}, ips, script_calls);
  std::set<std::string> seen_a;
  std::set<std::string> seen_b;
  int admitted_a = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (i % 2 == 0) {
      admitted_a += answers[i].admitted ? 1 : 0;
      seen_a.insert(answers[i].ratelimit);
    } else {
      EXPECT_TRUE(answers[i].admitted);  // b's own 500 a day, not a's burst
      seen_b.insert(answers[i].ratelimit);
    }
  }
  EXPECT_EQ(admitted_a, 3);
  EXPECT_TRUE(seen_a.contains(R"("burst";r=2;t=20, "daily";r=999;t=86400)")) << *seen_a.begin();
  EXPECT_TRUE(seen_a.contains(R"("burst";r=0;t=60, "daily";r=997;t=86400)"));
  EXPECT_EQ(seen_b.size(), 5u);
  EXPECT_TRUE(seen_b.contains(R"("daily";r=499;t=86400)"));
  EXPECT_TRUE(seen_b.contains(R"("daily";r=495;t=86400)"));
  EXPECT_GE(script_calls, 1);
  EXPECT_LE(script_calls, 3);
}

TEST_F(RedisBatchTest, BatchFailingFallsBackToExactInProcessCount) {
  // Nobody listens: every batch fails, and each of its requests is decided by
  // the in-process fallback, which still admits exactly the limit.
  const int port = free_port();
  const config::Config config =
      load(config_text(port, "      - {name: few, key: ip, limit: 4, window: 1h}\n"));
  auto limiter = make_rate_limit_stage(config, config.routes.at(0));
  asio::io_context io;
  redis::Client client(io, *config.redis);
  stage::WorkerResources resources{&io, 0, &client};
  int admitted = 0;
  int done = 0;
  for (int i = 0; i < 20; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          testing::FakeRequest request;
          stage::RequestContext& ctx = request.ctx;
          ctx.client_ip = "203.0.113.200";
          ctx.worker = &resources;
          const stage::RequestVerdict verdict = co_await limiter->on_request_head_async(ctx);
          if (verdict.kind() == stage::RequestVerdict::Kind::proceed) ++admitted;
          if (++done == 20) {
            client.close();
            io.stop();
          }
        },
        asio::detached);
  }
  io.run_for(10s);
  EXPECT_EQ(done, 20);
  EXPECT_EQ(admitted, 4);
}

}  // namespace
}  // namespace centinela::limit
