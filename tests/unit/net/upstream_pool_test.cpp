// UpstreamPool over real loopback connections: the pool must hand back only
// connections that are still worth reusing.
#include "net/upstream_pool.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>

namespace centinela::net {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kLongIdle{60'000};

// Waits until `fd` has something to read (data or end of stream).
bool wait_readable(int fd, milliseconds timeout = milliseconds(2000)) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

// True when the other end of `socket` has closed the connection.
bool sees_end_of_stream(tcp::socket& socket) {
  if (!wait_readable(socket.native_handle())) return false;
  char byte;
  return ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

class UpstreamPoolTest : public ::testing::Test {
 protected:
  static UpstreamConnection wrap(tcp::socket socket) {
    UpstreamConnection connection(static_cast<asio::io_context&>(socket.get_executor().context()));
    connection.socket = std::move(socket);
    return connection;
  }

  struct Connection {
    tcp::socket gateway_side;   // what the pool keeps
    tcp::socket upstream_side;  // the "server" end
  };

  Connection connect() {
    tcp::socket client(io_);
    client.connect(acceptor_.local_endpoint());
    tcp::socket server(io_);
    acceptor_.accept(server);
    return {std::move(client), std::move(server)};
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  // Check every connection on take, however briefly it was idle.
  UpstreamPool pool_{std::chrono::milliseconds(0)};
};

TEST_F(UpstreamPoolTest, EmptyPoolHasNothingToTake) {
  EXPECT_FALSE(pool_.take("127.0.0.1:9000", kLongIdle).has_value());
  EXPECT_EQ(pool_.idle_count(), 0u);
}

TEST_F(UpstreamPoolTest, GivenBackConnectionIsTakenAgain) {
  Connection c = connect();
  const int fd = c.gateway_side.native_handle();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);
  EXPECT_EQ(pool_.idle_count(), 1u);

  std::optional<UpstreamConnection> taken = pool_.take("a", kLongIdle);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->socket.native_handle(), fd);
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_FALSE(pool_.take("a", kLongIdle).has_value());

  // And it still carries bytes to the upstream.
  asio::write(taken->socket, asio::buffer("ping", 4));
  char buf[4];
  asio::read(c.upstream_side, asio::buffer(buf));
  EXPECT_EQ(std::string_view(buf, 4), "ping");
}

TEST_F(UpstreamPoolTest, ConnectionsAreKeptPerServer) {
  Connection c = connect();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);
  EXPECT_FALSE(pool_.take("b", kLongIdle).has_value());
  EXPECT_TRUE(pool_.take("a", kLongIdle).has_value());
}

TEST_F(UpstreamPoolTest, MostRecentlyReturnedIsTakenFirst) {
  Connection older = connect();
  Connection newer = connect();
  const int older_fd = older.gateway_side.native_handle();
  const int newer_fd = newer.gateway_side.native_handle();
  pool_.give_back("a", wrap(std::move(older.gateway_side)), 4);
  pool_.give_back("a", wrap(std::move(newer.gateway_side)), 4);

  auto first = pool_.take("a", kLongIdle);
  auto second = pool_.take("a", kLongIdle);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->socket.native_handle(), newer_fd);
  EXPECT_EQ(second->socket.native_handle(), older_fd);
}

TEST_F(UpstreamPoolTest, ConnectionClosedByThePeerIsNotReturned) {
  Connection c = connect();
  const int fd = c.gateway_side.native_handle();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);

  c.upstream_side.close();
  ASSERT_TRUE(wait_readable(fd));  // the FIN has arrived

  EXPECT_FALSE(pool_.take("a", kLongIdle).has_value());
  EXPECT_EQ(pool_.idle_count(), 0u);  // and it was discarded, not kept
}

TEST_F(UpstreamPoolTest, ConnectionWithUnaskedBytesIsNotReturned) {
  Connection c = connect();
  const int fd = c.gateway_side.native_handle();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);

  // A response nobody asked for would be mistaken for the next one's.
  asio::write(c.upstream_side, asio::buffer("HTTP/1.1 408 Request Timeout\r\n\r\n"));
  ASSERT_TRUE(wait_readable(fd));

  EXPECT_FALSE(pool_.take("a", kLongIdle).has_value());
  EXPECT_EQ(pool_.idle_count(), 0u);
}

TEST_F(UpstreamPoolTest, DeadConnectionIsSkippedForALiveOne) {
  Connection live = connect();
  Connection dead = connect();
  const int live_fd = live.gateway_side.native_handle();
  const int dead_fd = dead.gateway_side.native_handle();
  pool_.give_back("a", wrap(std::move(live.gateway_side)), 4);
  pool_.give_back("a", wrap(std::move(dead.gateway_side)), 4);  // would be taken first

  dead.upstream_side.close();
  ASSERT_TRUE(wait_readable(dead_fd));

  auto taken = pool_.take("a", kLongIdle);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->socket.native_handle(), live_fd);
  EXPECT_EQ(pool_.idle_count(), 0u);
}

TEST_F(UpstreamPoolTest, MaxIdleIsHonouredAndTheExtraConnectionClosed) {
  Connection c1 = connect();
  Connection c2 = connect();
  Connection c3 = connect();
  pool_.give_back("a", wrap(std::move(c1.gateway_side)), 2);
  pool_.give_back("a", wrap(std::move(c2.gateway_side)), 2);
  pool_.give_back("a", wrap(std::move(c3.gateway_side)), 2);

  EXPECT_EQ(pool_.idle_count(), 2u);
  EXPECT_TRUE(sees_end_of_stream(c3.upstream_side));  // closed, not leaked
  EXPECT_TRUE(pool_.take("a", kLongIdle).has_value());
  EXPECT_TRUE(pool_.take("a", kLongIdle).has_value());
  EXPECT_FALSE(pool_.take("a", kLongIdle).has_value());
}

TEST_F(UpstreamPoolTest, MaxIdleIsPerServer) {
  Connection a = connect();
  Connection b = connect();
  pool_.give_back("a", wrap(std::move(a.gateway_side)), 1);
  pool_.give_back("b", wrap(std::move(b.gateway_side)), 1);
  EXPECT_EQ(pool_.idle_count(), 2u);
}

TEST_F(UpstreamPoolTest, ConnectionIdleTooLongIsDroppedAndClosed) {
  Connection c = connect();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);
  std::this_thread::sleep_for(milliseconds(30));

  EXPECT_FALSE(pool_.take("a", milliseconds(10)).has_value());
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_TRUE(sees_end_of_stream(c.upstream_side));
}

TEST_F(UpstreamPoolTest, ConnectionIdleLessThanMaxIdleTimeIsKept) {
  Connection c = connect();
  pool_.give_back("a", wrap(std::move(c.gateway_side)), 4);
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_TRUE(pool_.take("a", milliseconds(10'000)).has_value());
}

TEST_F(UpstreamPoolTest, ClearClosesEverything) {
  Connection a = connect();
  Connection b = connect();
  pool_.give_back("a", wrap(std::move(a.gateway_side)), 4);
  pool_.give_back("b", wrap(std::move(b.gateway_side)), 4);
  pool_.clear();
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_TRUE(sees_end_of_stream(a.upstream_side));
  EXPECT_TRUE(sees_end_of_stream(b.upstream_side));
}

}  // namespace
}  // namespace centinela::net
