// The reconnect loop the client and the subscriber share: its backoff, its
// outage log lines and its end, driven by attempts made up in the test; and
// opening a connection, against a loopback listener.
#include "redis/reconnect.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/detached.hpp>
#include <cstdio>
#include <deque>
#include <fstream>
#include <vector>

#include "observe/event_log.h"
#include "redis_test_support.h"

namespace centinela::redis {
namespace {

using namespace test;
using tcp = asio::ip::tcp;

TEST(BackoffTest, DoublesFromAHundredMillisecondsToTwoSeconds) {
  Backoff backoff;
  std::vector<std::chrono::milliseconds> pauses;
  for (int i = 0; i < 8; ++i) {
    pauses.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(backoff.next()));
  }
  EXPECT_EQ(pauses, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms, 800ms, 1600ms,
                                                            2000ms, 2000ms, 2000ms}));
  EXPECT_EQ(backoff.peek(), Backoff::kMax);
  backoff.reset();
  EXPECT_EQ(backoff.next(), Backoff::kFirst);
  EXPECT_EQ(backoff.peek(), 2 * Backoff::kFirst);
}

TEST(HandshakeTest, AuthWithAPasswordThenSelectForAnotherDatabase) {
  config::RedisConfig cfg;
  cfg.host = "redis.test";
  cfg.port = 6380;
  EXPECT_EQ(endpoint_name(cfg), "redis.test:6380");
  EXPECT_TRUE(handshake_commands(cfg).empty());
  cfg.db = 3;
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"SELECT", "3"}}));
  cfg.password = "s3cret";
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"AUTH", "s3cret"}, {"SELECT", "3"}}));
  cfg.db = 0;
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"AUTH", "s3cret"}}));
}

TEST(HandshakeTest, AnAclUserAuthenticatesWithTwoArguments) {
  config::RedisConfig cfg;
  cfg.username = "app";
  cfg.password = "s3cret";
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"AUTH", "app", "s3cret"}}));
}

TEST(HandshakeTest, OverTlsThereIsAlwaysARoundTripBeforeUp) {
  config::RedisConfig cfg;
  cfg.tls.emplace();
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"PING"}}));
  cfg.db = 2;  // SELECT is a round trip already
  EXPECT_EQ(handshake_commands(cfg), (std::vector<Command>{{"SELECT", "2"}}));
}

// The event log, written to a file of the test's.
class EventLines {
 public:
  EventLines() {
    char pattern[] = "/tmp/centinela-reconnect-XXXXXX";
    fd_ = mkstemp(pattern);
    path_ = pattern;
    previous_ = observe::set_event_log_fd(fd_);
  }
  ~EventLines() {
    observe::set_event_log_fd(previous_);
    ::close(fd_);
    std::remove(path_.c_str());
  }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::size_t count(std::string_view text) const {
    std::size_t n = 0;
    for (const std::string& line : lines()) n += line.find(text) != std::string::npos;
    return n;
  }

 private:
  int fd_ = -1;
  std::string path_;
  int previous_ = 2;
};

// Attempts that end at once with the reasons queued in `script` ("up:" first:
// the attempt reaches a working connection before it ends).
class ScriptedAttempts {
 public:
  ScriptedAttempts(asio::io_context& io, std::deque<std::string> script)
      : loop_(io, {.endpoint = "redis.test:6379",
                   .up = "test up",
                   .lost = "test lost",
                   .failed = "test failed"}),
        script_(std::move(script)) {}

  asio::awaitable<void> run() {
    std::function<asio::awaitable<std::string>()> next = [this] { return attempt(); };
    std::function<bool()> closed = [this] { return closed_; };
    co_await loop_.run(std::move(next), std::move(closed));
    finished_ = true;
  }

  asio::awaitable<std::string> attempt() {
    ++attempts_;
    pauses_seen_.push_back(loop_.next_pause());
    if (script_.empty()) {
      closed_ = true;  // the script is over: the owner closes
      co_return "closed";
    }
    std::string reason = std::move(script_.front());
    script_.pop_front();
    if (reason.starts_with("up:")) {
      loop_.up();
      reason.erase(0, 3);
    }
    co_return reason;
  }

  ReconnectLoop loop_;
  std::deque<std::string> script_;
  bool closed_ = false;
  bool finished_ = false;
  int attempts_ = 0;
  std::vector<Backoff::Duration> pauses_seen_;
};

TEST(ReconnectLoopTest, TriesAgainWithAGrowingPauseThatStartsOverAfterASuccess) {
  EventLines events;
  asio::io_context io;
  ScriptedAttempts attempts(io, {"refused", "refused", "up:closed by redis", "refused"});
  asio::co_spawn(io, attempts.run(), asio::detached);
  ASSERT_TRUE(run_until(
      io, [&] { return attempts.finished_; }, 10s));
  EXPECT_EQ(attempts.attempts_, 5);
  // The pause that will follow each attempt, as the attempt saw it: the one
  // that got a connection starts the backoff over.
  EXPECT_EQ(attempts.pauses_seen_,
            (std::vector<Backoff::Duration>{100ms, 200ms, 400ms, 200ms, 400ms}));
}

TEST(ReconnectLoopTest, AnOutageIsLoggedOnceUntilTheNextSuccess) {
  EventLines events;
  asio::io_context io;
  ScriptedAttempts attempts(io, {"refused", "refused", "up:closed by redis", "refused", "refused"});
  asio::co_spawn(io, attempts.run(), asio::detached);
  ASSERT_TRUE(run_until(
      io, [&] { return attempts.finished_; }, 10s));
  const std::vector<std::string> lines = events.lines();
  ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
  EXPECT_NE(lines[0].find(R"("level":"warn","msg":"test failed")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("redis":"redis.test:6379","reason":"refused")"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(R"("level":"info","msg":"test up")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(R"("msg":"test lost")"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find(R"("reason":"closed by redis")"), std::string::npos) << lines[2];
}

TEST(ReconnectLoopTest, ASubscribersLinesNameItsChannel) {
  EventLines events;
  asio::io_context io;
  ReconnectLoop loop(io, {.endpoint = "h:1", .channel = "purge", .up = "up", .failed = "failed"});
  bool closed = false;
  int attempts = 0;
  asio::co_spawn(io,
                 loop.run(
                     [&]() -> asio::awaitable<std::string> {
                       closed = ++attempts == 2;
                       co_return "refused";
                     },
                     [&] { return closed; }),
                 asio::detached);
  ASSERT_TRUE(run_until(
      io, [&] { return closed; }, 10s));
  run_for(io, 50ms);
  EXPECT_EQ(events.count(R"("msg":"failed","redis":"h:1","channel":"purge","reason":"refused")"),
            1u);
  EXPECT_EQ(events.lines().size(), 1u);  // the closing attempt's end is not an outage
}

TEST(ReconnectLoopTest, CancelEndsAPauseSoClosingIsPrompt) {
  EventLines events;
  asio::io_context io;
  ReconnectLoop loop(io, {.endpoint = "h:1", .up = "up", .lost = "lost", .failed = "failed"});
  bool closed = false;
  bool finished = false;
  int attempts = 0;
  std::function<asio::awaitable<std::string>()> attempt = [&]() -> asio::awaitable<std::string> {
    ++attempts;
    co_return "refused";
  };
  std::function<bool()> is_closed = [&] { return closed; };
  auto run = [&]() -> asio::awaitable<void> {
    co_await loop.run(std::move(attempt), std::move(is_closed));
    finished = true;
  };
  asio::co_spawn(io, run(), asio::detached);
  ASSERT_TRUE(run_until(
      io, [&] { return attempts == 1; }, 5s));
  // Now in the first pause (100 ms): closing cancels it; no attempt follows.
  closed = true;
  loop.cancel();
  io.poll();
  EXPECT_TRUE(finished);
  EXPECT_EQ(attempts, 1);
}

asio::awaitable<std::string> open(tcp::socket& socket, tcp::resolver& resolver, std::string host,
                                  std::uint16_t port, std::function<bool()> abandoned) {
  config::RedisConfig cfg;
  cfg.host = std::move(host);
  cfg.port = port;
  co_return co_await open_connection(socket, resolver, cfg, std::move(abandoned));
}

TEST(OpenConnectionTest, ConnectsToAnAddressOrAName) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  for (const char* host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    tcp::socket socket(io);
    tcp::resolver resolver(io);
    auto failure = run(io, open(socket, resolver, host, port, [] { return false; }));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(*failure, "");
    ASSERT_TRUE(socket.is_open());
    EXPECT_EQ(socket.remote_endpoint().port(), port);
    tcp::no_delay no_delay;
    socket.get_option(no_delay);
    EXPECT_TRUE(no_delay.value());
    tcp::socket accepted = acceptor.accept();  // it is a real connection
    EXPECT_TRUE(accepted.is_open());
  }
}

TEST(OpenConnectionTest, SaysWhyItCouldNotConnect) {
  asio::io_context io;
  std::uint16_t closed_port = 0;
  {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = acceptor.local_endpoint().port();
  }
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  auto refused = run(io, open(socket, resolver, "127.0.0.1", closed_port, [] { return false; }));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, "connect: Connection refused");
}

TEST(OpenConnectionTest, AnAbandonedAttemptStopsWithoutConnecting) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  auto result = run(io, open(socket, resolver, "localhost", acceptor.local_endpoint().port(),
                             [] { return true; }));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, "abandoned");
  EXPECT_FALSE(socket.is_open());
}

}  // namespace
}  // namespace centinela::redis
