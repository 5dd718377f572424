// The Redis client and subscriber over TLS against a real redis-server with a
// TLS port, certificates made by the test (openssl CLI): commands pipelined
// many at a time (one read and one write in flight on one SSL stream),
// pub/sub, a handshake failure as an outage with its reason, reconnection
// after a restart, a hung handshake bounded by the connect timeout.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "loopback_socket.h"
#include "openssl_pki.h"
#include "redis/client.h"
#include "redis/subscriber.h"
#include "redis_server.h"
#include "redis_test_support.h"

namespace centinela::redis {
namespace {

using namespace test;

class RedisTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok()) << pki_.error();
    server_ = std::make_unique<itest::RedisServer>(
        std::string(), itest::RedisTlsFiles{pki_.server_cert(), pki_.server_key(), pki_.ca()});
    ASSERT_TRUE(server_->running()) << server_->error();
  }

  config::RedisConfig tls_config(std::string ca) const {
    config::RedisConfig cfg = redis_config(server_->tls_port());
    cfg.host = "localhost";
    cfg.tls.emplace();
    cfg.tls->ca = std::move(ca);
    return cfg;
  }

  itest::OpensslPki pki_;
  std::unique_ptr<itest::RedisServer> server_;
  asio::io_context io_;
};

// SET k<i> to a value of i's own, GET it back; counts the answers and the right ones.
asio::awaitable<void> set_and_get(Client& client, int i, int& answered, int& right) {
  const std::string key = "k" + std::to_string(i);
  const std::string value(static_cast<std::size_t>(i % 700), static_cast<char>('a' + i % 26));
  std::vector<std::string> set_command{"SET", key, value};
  std::vector<std::string> get_command{"GET", key};
  auto set = co_await client.command(std::move(set_command));
  auto get = co_await client.command(std::move(get_command));
  ++answered;
  if (set && get && get->str == value) ++right;
}

TEST_F(RedisTlsTest, ManyCommandsInFlightOverOneTlsConnection) {
  Client client(io_, tls_config(pki_.ca()));
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 5s))
      << client.down_reason();
  // Commands from many coroutines at once: writes and the read loop share
  // the SSL stream, replies still match their commands.
  constexpr int kCommands = 2000;
  int answered = 0;
  int right = 0;
  for (int i = 0; i < kCommands; ++i) {
    asio::co_spawn(io_, set_and_get(client, i, answered, right), asio::detached);
  }
  ASSERT_TRUE(run_until(
      io_, [&] { return answered == kCommands; }, 20s));
  EXPECT_EQ(right, kCommands);
}

TEST_F(RedisTlsTest, AnUntrustedServerIsAnOutageWithItsReason) {
  Client client(io_, tls_config(pki_.other_ca()));
  ASSERT_TRUE(run_until(
      io_, [&] { return !client.down_reason().empty(); }, 5s));
  EXPECT_FALSE(client.connected());
  EXPECT_NE(client.down_reason().find("certificate verify failed"), std::string::npos)
      << client.down_reason();
  auto reply = run(io_, client.command({"PING"}));
  ASSERT_TRUE(reply);
  EXPECT_FALSE(*reply);  // answered at once: Redis is down
}

TEST_F(RedisTlsTest, AnUnusableCaFileIsAnOutageNeverCleartext) {
  Client client(io_, tls_config("/nonexistent/ca.pem"));
  ASSERT_TRUE(run_until(
      io_, [&] { return !client.down_reason().empty(); }, 5s));
  EXPECT_NE(client.down_reason().find("redis.tls: cannot load CA file"), std::string::npos)
      << client.down_reason();
  EXPECT_FALSE(client.connected());
}

TEST_F(RedisTlsTest, ReconnectsOverTlsAfterARestart) {
  Client client(io_, tls_config(pki_.ca()));
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 5s))
      << client.down_reason();
  server_->stop();
  ASSERT_TRUE(run_until(
      io_, [&] { return !client.connected(); }, 5s));
  ASSERT_TRUE(server_->start());
  ASSERT_TRUE(run_until(
      io_, [&] { return client.connected(); }, 8s))
      << client.down_reason();
  auto reply = run(io_, client.command({"SET", "after", "restart"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ((*reply)->str, "OK");
}

TEST_F(RedisTlsTest, AHandshakeThatNeverEndsIsCutByTheConnectTimeout) {
  // A listener that accepts (the kernel does) and never says a word.
  itest::ReservedPort port;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  itest::Socket listener(fd);

  config::RedisConfig cfg = tls_config(pki_.ca());
  cfg.port = port.port();
  Client client(io_, cfg);
  ASSERT_TRUE(run_until(
      io_, [&] { return !client.down_reason().empty(); }, 5s));
  EXPECT_EQ(client.down_reason(), "connect timed out");
}

TEST_F(RedisTlsTest, TheSubscriberReceivesOverTls) {
  std::vector<std::string> messages;
  Subscriber subscriber(io_, tls_config(pki_.ca()), "tls:channel",
                        [&](std::string_view message) { messages.emplace_back(message); });
  Client publisher(io_, tls_config(pki_.ca()));
  ASSERT_TRUE(run_until(
      io_, [&] { return subscriber.subscribed() && publisher.connected(); }, 5s));
  auto reply = run(io_, publisher.command({"PUBLISH", "tls:channel", "over tls"}));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ((*reply)->integer, 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return !messages.empty(); }, 5s));
  EXPECT_EQ(messages, std::vector<std::string>{"over tls"});
}

}  // namespace
}  // namespace centinela::redis
