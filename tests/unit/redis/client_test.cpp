#include "redis/client.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <set>

#include "observe/metrics.h"
#include "redis_server.h"
#include "redis_test_support.h"

namespace centinela::redis {
namespace {

using namespace test;
using Args = std::vector<std::string>;

std::uint64_t commands_counted(const char* result) {
  return observe::Registry::global()
      .counter("centinela_redis_commands_total", "", {{"result", result}})
      .value();
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.running()) << server_.error(); }

  // A client on server_, connected.
  std::unique_ptr<Client> connected_client(config::RedisConfig cfg) {
    auto client = std::make_unique<Client>(io_, cfg);
    EXPECT_TRUE(run_until(
        io_, [&] { return client->connected(); }, 5s));
    return client;
  }
  std::unique_ptr<Client> connected_client() {
    return connected_client(redis_config(server_.port()));
  }

  std::optional<Reply> call(Client& client, Args args) {
    auto reply = run(io_, client.command(std::move(args)));
    EXPECT_TRUE(reply.has_value()) << "command did not finish";
    return reply ? *reply : std::nullopt;
  }

  itest::RedisServer server_;
  asio::io_context io_;
};

TEST_F(RedisClientTest, SetGetRoundtripWithBinaryValues) {
  auto client = connected_client();
  std::string value("line\r\nwith\0nul", 14);
  auto set = call(*client, {"SET", "key", value});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->type, Reply::Type::status);
  EXPECT_EQ(set->str, "OK");

  auto get = call(*client, {"GET", "key"});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->type, Reply::Type::string);
  EXPECT_EQ(get->str, value);

  auto missing = call(*client, {"GET", "missing"});
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->is_nil());

  auto incr = call(*client, {"INCRBY", "n", "41"});
  ASSERT_TRUE(incr);
  EXPECT_EQ(incr->type, Reply::Type::integer);
  EXPECT_EQ(incr->integer, 41);

  auto error = call(*client, {"INCR", "key"});  // not an integer
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->is_error());
  EXPECT_NE(error->str.find("ERR"), std::string::npos);
}

TEST_F(RedisClientTest, ThousandConcurrentCommandsEachGetTheirOwnReply) {
  auto client = connected_client();
  constexpr int kCommands = 1000;
  int answered = 0;
  int mismatched = 0;
  std::set<std::int64_t> counters;
  for (int i = 0; i < kCommands; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          std::string mine = "value-" + std::to_string(i);
          // (Argument lists built first: GCC 12 rejects braced lists inside co_await.)
          Args echo_args{"ECHO", mine};
          Args incr_args{"INCR", "counter"};
          auto echo = co_await client->command(std::move(echo_args));
          auto incr = co_await client->command(std::move(incr_args));
          if (!echo || echo->str != mine || !incr || incr->type != Reply::Type::integer) {
            ++mismatched;
          } else {
            counters.insert(incr->integer);
          }
          ++answered;
        },
        asio::detached);
  }
  ASSERT_TRUE(run_until(
      io_, [&] { return answered == kCommands; }, 20s));
  EXPECT_EQ(mismatched, 0);
  // Every INCR got its own reply: the values are exactly 1..1000.
  ASSERT_EQ(counters.size(), static_cast<std::size_t>(kCommands));
  EXPECT_EQ(*counters.begin(), 1);
  EXPECT_EQ(*counters.rbegin(), kCommands);
}

TEST_F(RedisClientTest, ScriptShaMatchesRedis) {
  auto client = connected_client();
  Script script("return 1");
  EXPECT_EQ(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  auto loaded = call(*client, {"SCRIPT", "LOAD", script.source()});
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->str, script.sha1());
}

TEST_F(RedisClientTest, EvalLoadsTheScriptOnNoscriptThenUsesEvalsha) {
  auto client = connected_client();
  Script script("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
  auto exists = [&] {
    auto reply = call(*client, {"SCRIPT", "EXISTS", script.sha1()});
    return reply && reply->elements.size() == 1 && reply->elements[0].integer == 1;
  };
  EXPECT_FALSE(exists());

  for (int round = 1; round <= 3; ++round) {
    if (round == 3) {
      ASSERT_TRUE(call(*client, {"SCRIPT", "FLUSH"}));  // as after a Redis restart
      EXPECT_FALSE(exists());
    }
    auto reply = run(io_, client->eval(script, {"hits"}, {"arg"}));
    ASSERT_TRUE(reply && *reply) << "round " << round;
    const Reply& result = **reply;
    ASSERT_EQ(result.type, Reply::Type::array);
    ASSERT_EQ(result.elements.size(), 3u);
    EXPECT_EQ(result.elements[0].str, "hits");
    EXPECT_EQ(result.elements[1].str, "arg");
    EXPECT_EQ(result.elements[2].integer, round);  // ran exactly once per call
    EXPECT_TRUE(exists());
  }
  auto stats = call(*client, {"INFO", "commandstats"});
  ASSERT_TRUE(stats);
  // Rounds 2 and 3 went out as EVALSHA; EVAL ran only after the NOSCRIPTs.
  EXPECT_NE(stats->str.find("cmdstat_eval:calls=2,"), std::string::npos) << stats->str;
}

TEST_F(RedisClientTest, EvalReportsScriptErrorsAsErrorReplies) {
  auto client = connected_client();
  Script script("return redis.call('NOSUCHCOMMAND')");
  auto reply = run(io_, client->eval(script, {}, {}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_TRUE((*reply)->is_error());
}

TEST_F(RedisClientTest, DownAtStartAnswersAtOnceThenConnectsWhenRedisComesUp) {
  server_.stop();
  auto unavailable_before = commands_counted("unavailable");
  Client client(io_, redis_config(server_.port()));
  run_for(io_, 150ms);
  EXPECT_FALSE(client.connected());
  auto started = Clock::now();
  auto reply = run(io_, client.command({"PING"}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
  EXPECT_LT(Clock::now() - started, 50ms);  // no waiting (slack: a loaded machine)
  EXPECT_GE(commands_counted("unavailable"), unavailable_before + 1);

  ASSERT_TRUE(server_.start()) << server_.error();
  // Backoff is at most 2 s.
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 4s));
  auto pong = call(client, {"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->str, "PONG");
}

TEST_F(RedisClientTest, RedisStoppedMeansQuickNulloptsAndAReconnectAfterRestart) {
  auto client = connected_client();
  auto& gauge = observe::Registry::global().gauge("centinela_redis_connected", "");
  EXPECT_EQ(gauge.value(), 1.0);
  ASSERT_TRUE(call(*client, {"SET", "before", "1"}));

  server_.stop();
  for (int i = 0; i < 5; ++i) {
    auto started = Clock::now();
    auto reply = run(io_, client->command({"GET", "before"}));
    ASSERT_TRUE(reply.has_value());
    EXPECT_FALSE(*reply);
    EXPECT_LT(Clock::now() - started, 250ms + 150ms);
  }
  EXPECT_FALSE(client->connected());
  EXPECT_EQ(gauge.value(), 0.0);

  ASSERT_TRUE(server_.start()) << server_.error();
  ASSERT_TRUE(run_until(
      io_, [&] { return client->connected(); }, 4s));
  EXPECT_EQ(gauge.value(), 1.0);
  auto reply = call(*client, {"SET", "after", "2"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->str, "OK");
}

TEST_F(RedisClientTest, AStoppedServerTimesOutAndTheLateReplyGoesNowhere) {
  auto client = connected_client(redis_config(server_.port(), 200ms));
  auto timeouts_before = commands_counted("timeout");
  server_.pause();
  auto started = Clock::now();
  auto reply = run(io_, client->command({"INCR", "late"}));
  auto waited = Clock::now() - started;
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 200ms + 50ms + 200ms);  // deadline + sweep interval + a loaded machine
  EXPECT_EQ(commands_counted("timeout"), timeouts_before + 1);

  server_.resume();
  // The INCR ran once Redis woke up; its reply must not be taken for GET's.
  auto get = call(*client, {"GET", "late"});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->type, Reply::Type::string);
  EXPECT_EQ(get->str, "1");
  auto incr = call(*client, {"INCR", "late"});
  ASSERT_TRUE(incr);
  EXPECT_EQ(incr->integer, 2);
  EXPECT_TRUE(client->connected());
}

TEST_F(RedisClientTest, AServerHungForLongIsDroppedAndReconnectedWhenItWakes) {
  auto client = connected_client(redis_config(server_.port(), 100ms));
  server_.pause();
  auto reply = run(io_, client->command({"PING"}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
  // No reply for well past the deadline: the connection is given up, and
  // commands answer at once instead of each waiting for its timeout.
  ASSERT_TRUE(run_until(
      io_, [&] { return !client->connected(); }, 3s));
  auto started = Clock::now();
  auto refused = run(io_, client->command({"PING"}));
  ASSERT_TRUE(refused.has_value());
  EXPECT_FALSE(*refused);
  EXPECT_LT(Clock::now() - started, 50ms);  // no waiting (slack: a loaded machine)

  server_.resume();
  ASSERT_TRUE(run_until(
      io_, [&] { return client->connected(); }, 5s));
  auto pong = call(*client, {"PING"});
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->str, "PONG");
}

TEST_F(RedisClientTest, SelectsTheDatabaseFromTheConfig) {
  auto cfg = redis_config(server_.port());
  cfg.db = 3;
  auto in_db3 = connected_client(cfg);
  auto in_db0 = connected_client();
  ASSERT_TRUE(call(*in_db3, {"SET", "where", "three"}));
  auto from_db0 = call(*in_db0, {"GET", "where"});
  ASSERT_TRUE(from_db0);
  EXPECT_TRUE(from_db0->is_nil());
  auto from_db3 = call(*in_db3, {"GET", "where"});
  ASSERT_TRUE(from_db3);
  EXPECT_EQ(from_db3->str, "three");
}

TEST_F(RedisClientTest, CloseFailsPendingCommandsAndStopsReconnecting) {
  auto client = connected_client();
  server_.pause();
  std::optional<std::optional<Reply>> pending;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        Args ping{"PING"};
        pending = co_await client->command(std::move(ping));
      },
      asio::detached);
  run_for(io_, 20ms);
  EXPECT_FALSE(pending.has_value());
  auto started = Clock::now();
  client->close();
  ASSERT_TRUE(run_until(
      io_, [&] { return pending.has_value(); }, 1s));
  EXPECT_LT(Clock::now() - started, 100ms);
  EXPECT_FALSE(*pending);
  EXPECT_FALSE(client->connected());
  server_.resume();
  run_for(io_, 300ms);
  EXPECT_FALSE(client->connected());
  auto reply = run(io_, client->command({"PING"}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
}

TEST_F(RedisClientTest, DestroyingTheClientWithCommandsInFlightIsSafe) {
  auto client = connected_client();
  server_.pause();
  int finished = 0;
  for (int i = 0; i < 10; ++i) {
    asio::co_spawn(
        io_,
        [&, c = client.get()]() -> asio::awaitable<void> {
          Args ping{"PING"};
          auto reply = co_await c->command(std::move(ping));
          if (!reply) ++finished;
        },
        asio::detached);
  }
  run_for(io_, 20ms);
  client.reset();
  ASSERT_TRUE(run_until(
      io_, [&] { return finished == 10; }, 1s));
  server_.resume();
  run_for(io_, 100ms);
}

class RedisAuthTest : public ::testing::Test {
 protected:
  itest::RedisServer server_{"s3cret"};
  asio::io_context io_;
};

TEST_F(RedisAuthTest, AuthenticatesWithThePassword) {
  ASSERT_TRUE(server_.running()) << server_.error();
  auto cfg = redis_config(server_.port());
  cfg.password = "s3cret";
  Client client(io_, cfg);
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 5s));
  auto reply = run(io_, client.command({"PING"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ((*reply)->str, "PONG");
}

TEST_F(RedisAuthTest, AWrongPasswordNeverConnects) {
  ASSERT_TRUE(server_.running()) << server_.error();
  auto cfg = redis_config(server_.port());
  cfg.password = "wrong";
  Client client(io_, cfg);
  run_for(io_, 700ms);  // several attempts
  EXPECT_FALSE(client.connected());
  auto reply = run(io_, client.command({"PING"}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
}

TEST_F(RedisAuthTest, NoPasswordGivesNoauthErrorReplies) {
  ASSERT_TRUE(server_.running()) << server_.error();
  Client client(io_, redis_config(server_.port()));
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 5s));
  auto reply = run(io_, client.command({"GET", "x"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_TRUE((*reply)->is_error());
  EXPECT_NE((*reply)->str.find("NOAUTH"), std::string::npos);
}

// A fake server on loopback that answers every connection's first read with
// `answer`, then keeps the connection open.
class FakeServer {
 public:
  FakeServer(asio::io_context& io, std::string answer)
      : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        answer_(std::move(answer)) {
    asio::co_spawn(io, serve(), asio::detached);
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++connections_;
      sockets_.push_back(std::move(socket));
      asio::ip::tcp::socket& peer = sockets_.back();
      char buffer[4096];
      auto [read_ec, n] =
          co_await peer.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
      if (read_ec) continue;
      co_await asio::async_write(peer, asio::buffer(answer_), asio::as_tuple(asio::use_awaitable));
    }
  }

  asio::ip::tcp::acceptor acceptor_;
  std::string answer_;
  std::deque<asio::ip::tcp::socket> sockets_;
  int connections_ = 0;
};

void expect_broken_connection(const std::string& answer) {
  asio::io_context io;
  FakeServer fake(io, answer);
  Client client(io, redis_config(fake.port()));
  ASSERT_TRUE(run_until(
      io, [&] { return client.connected(); }, 5s));
  auto started = Clock::now();
  auto reply = run(io, client.command({"GET", "k"}));
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(*reply);
  EXPECT_LT(Clock::now() - started, 200ms);  // the broken stream, not the timeout
  // It reconnects by itself, as after any broken connection.
  ASSERT_TRUE(run_until(
      io, [&] { return fake.connections() >= 2; }, 3s));
}

TEST(RedisClientHostile, GarbageBreaksTheConnection) { expect_broken_connection("!junk\r\n"); }

TEST(RedisClientHostile, AHugeArrayCountBreaksTheConnection) {
  expect_broken_connection("*2000000000\r\n");
}

TEST(RedisClientHostile, AnOversizedStringBreaksTheConnection) {
  expect_broken_connection("$" + std::to_string(kMaxReplyStringBytes + 1) + "\r\n" +
                           std::string(kMaxReplyStringBytes + 1, 'x') + "\r\n");
}

TEST(RedisClientHostile, AReplyNobodyAskedForBreaksTheConnection) {
  asio::io_context io;
  FakeServer fake(io, "+OK\r\n+EXTRA\r\n");
  Client client(io, redis_config(fake.port()));
  ASSERT_TRUE(run_until(
      io, [&] { return client.connected(); }, 5s));
  auto reply = run(io, client.command({"SET", "k", "v"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ((*reply)->str, "OK");
  // +EXTRA answers nothing: the stream is out of step, so it is dropped.
  ASSERT_TRUE(run_until(
      io, [&] { return fake.connections() >= 2; }, 3s));
}

TEST(RedisClientHostile, AnUnexpectedTypeIsJustAReply) {
  asio::io_context io;
  FakeServer fake(io, ":12\r\n");
  Client client(io, redis_config(fake.port()));
  ASSERT_TRUE(run_until(
      io, [&] { return client.connected(); }, 5s));
  auto reply = run(io, client.command({"GET", "k"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ((*reply)->type, Reply::Type::integer);
  EXPECT_EQ((*reply)->integer, 12);
}

}  // namespace
}  // namespace centinela::redis
