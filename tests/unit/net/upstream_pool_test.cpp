// UpstreamPool over real loopback connections: the pool must hand back only
// connections that are still worth reusing, and the read that watches an idle
// connection must become the first read of its next response.
#include "net/upstream_pool.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <thread>

namespace centinela::net {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kLongIdle{60'000};

// True when the other end of `socket` has closed the connection.
bool sees_end_of_stream(tcp::socket& socket) {
  pollfd p{socket.native_handle(), POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 2000) != 1) return false;
  char byte;
  return ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

std::string_view contents(beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

class UpstreamPoolTest : public ::testing::Test {
 protected:
  struct Pair {
    std::unique_ptr<UpstreamConnection> gateway_side;  // what the pool keeps
    tcp::socket upstream_side;                         // the "server" end
    int fd = -1;                                       // gateway side's descriptor
  };

  Pair connect() {
    auto connection = std::make_unique<UpstreamConnection>(io_);
    connection->socket().connect(acceptor_.local_endpoint());
    tcp::socket server(io_);
    acceptor_.accept(server);
    const int fd = connection->socket().native_handle();
    return {std::move(connection), std::move(server), fd};
  }

  void give_back(const std::string& server, Pair& pair, unsigned max_idle = 4,
                 milliseconds max_idle_time = kLongIdle) {
    pool_.give_back(server, std::move(pair.gateway_side), max_idle, max_idle_time);
  }

  // Runs the event loop until `done` holds (or two seconds pass).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(2000);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.restart();
      io_.run_for(milliseconds(5));
    }
    return true;
  }

  // Starts read_some on `connection` as an exchange would.
  void start_read(UpstreamConnection& connection) {
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          auto read = connection.read_some(4096);
          auto [ec, n] = co_await std::move(read);
          read_error_ = ec;
          read_bytes_ = n;
          read_done_ = true;
        },
        asio::detached);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  UpstreamPool pool_;
  bool read_done_ = false;
  boost::system::error_code read_error_;
  std::size_t read_bytes_ = 0;
};

TEST_F(UpstreamPoolTest, EmptyPoolHasNothingToTake) {
  EXPECT_EQ(pool_.take("127.0.0.1:9000", kLongIdle), nullptr);
  EXPECT_EQ(pool_.idle_count(), 0u);
}

TEST_F(UpstreamPoolTest, GivenBackConnectionIsTakenAgain) {
  Pair c = connect();
  give_back("a", c);
  EXPECT_EQ(pool_.idle_count(), 1u);

  auto taken = pool_.take("a", kLongIdle);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->socket().native_handle(), c.fd);
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_EQ(pool_.take("a", kLongIdle), nullptr);

  // And it still carries bytes to the upstream.
  asio::write(taken->socket(), asio::buffer("ping", 4));
  char buf[4];
  asio::read(c.upstream_side, asio::buffer(buf));
  EXPECT_EQ(std::string_view(buf, 4), "ping");
}

TEST_F(UpstreamPoolTest, TheWatchingReadBecomesTheResponsesFirstRead) {
  Pair c = connect();
  give_back("a", c);
  auto taken = pool_.take("a", kLongIdle);
  ASSERT_NE(taken, nullptr);
  taken->request_started();
  start_read(*taken);
  io_.poll();
  EXPECT_FALSE(read_done_);
  asio::write(c.upstream_side, asio::buffer(std::string_view("HTTP/1.1 200 OK\r\n")));
  ASSERT_TRUE(run_until([&] { return read_done_; }));
  EXPECT_FALSE(read_error_);
  EXPECT_FALSE(taken->heard_early());
  EXPECT_EQ(contents(taken->buffer()), "HTTP/1.1 200 OK\r\n");
}

TEST_F(UpstreamPoolTest, AFreshConnectionReadsDirectly) {
  Pair c = connect();  // never pooled: nothing pending
  start_read(*c.gateway_side);
  io_.poll();
  EXPECT_FALSE(read_done_);
  asio::write(c.upstream_side, asio::buffer(std::string_view("HTTP/1.1 204 No Content\r\n\r\n")));
  ASSERT_TRUE(run_until([&] { return read_done_; }));
  EXPECT_FALSE(read_error_);
  EXPECT_EQ(contents(c.gateway_side->buffer()), "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_F(UpstreamPoolTest, ResultArrivingBeforeTheReaderWaitsIsKept) {
  Pair c = connect();
  give_back("a", c);
  auto taken = pool_.take("a", kLongIdle);
  taken->request_started();
  asio::write(c.upstream_side, asio::buffer(std::string_view("early")));
  ASSERT_TRUE(run_until([&] { return taken->buffer().size() != 0; }));
  start_read(*taken);
  ASSERT_TRUE(run_until([&] { return read_done_; }));
  EXPECT_EQ(read_bytes_, 5u);
  EXPECT_EQ(contents(taken->buffer()), "early");
}

TEST_F(UpstreamPoolTest, BytesHeardBeforeTheRequestStartedAreUnsolicited) {
  Pair c = connect();
  give_back("a", c);
  auto taken = pool_.take("a", kLongIdle);  // taken, nothing written yet
  asio::write(c.upstream_side, asio::buffer(std::string_view("stale")));
  ASSERT_TRUE(run_until([&] { return taken->buffer().size() != 0; }));
  taken->request_started();
  start_read(*taken);
  ASSERT_TRUE(run_until([&] { return read_done_; }));
  EXPECT_TRUE(taken->heard_early());
}

TEST_F(UpstreamPoolTest, IdleConnectionClosedByThePeerLeavesThePool) {
  Pair c = connect();
  give_back("a", c);
  c.upstream_side.close();
  EXPECT_TRUE(run_until([&] { return pool_.idle_count() == 0; }));
  EXPECT_EQ(pool_.take("a", kLongIdle), nullptr);
}

TEST_F(UpstreamPoolTest, IdleConnectionHearingUnaskedBytesIsClosed) {
  Pair c = connect();
  give_back("a", c);
  // A response nobody asked for would be mistaken for the next one's.
  asio::write(c.upstream_side, asio::buffer(std::string_view("HTTP/1.1 408 Timeout\r\n\r\n")));
  EXPECT_TRUE(run_until([&] { return pool_.idle_count() == 0; }));
  EXPECT_TRUE(sees_end_of_stream(c.upstream_side));
}

TEST_F(UpstreamPoolTest, DeadConnectionLeavesALiveOneToTake) {
  Pair live = connect();
  Pair dead = connect();
  give_back("a", live);
  give_back("a", dead);  // would be taken first
  dead.upstream_side.close();
  ASSERT_TRUE(run_until([&] { return pool_.idle_count() == 1; }));
  auto taken = pool_.take("a", kLongIdle);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->socket().native_handle(), live.fd);
}

TEST_F(UpstreamPoolTest, MostRecentlyReturnedIsTakenFirst) {
  Pair older = connect();
  Pair newer = connect();
  give_back("a", older);
  give_back("a", newer);
  auto first = pool_.take("a", kLongIdle);
  auto second = pool_.take("a", kLongIdle);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->socket().native_handle(), newer.fd);
  EXPECT_EQ(second->socket().native_handle(), older.fd);
}

TEST_F(UpstreamPoolTest, ConnectionsAreKeptPerServer) {
  Pair c = connect();
  give_back("a", c);
  EXPECT_EQ(pool_.take("b", kLongIdle), nullptr);
  EXPECT_NE(pool_.take("a", kLongIdle), nullptr);
}

TEST_F(UpstreamPoolTest, MaxIdleIsHonouredAndTheExtraConnectionClosed) {
  Pair c1 = connect();
  Pair c2 = connect();
  Pair c3 = connect();
  give_back("a", c1, 2);
  give_back("a", c2, 2);
  give_back("a", c3, 2);
  EXPECT_EQ(pool_.idle_count(), 2u);
  EXPECT_TRUE(sees_end_of_stream(c3.upstream_side));  // closed, not leaked
  EXPECT_NE(pool_.take("a", kLongIdle), nullptr);
  EXPECT_NE(pool_.take("a", kLongIdle), nullptr);
  EXPECT_EQ(pool_.take("a", kLongIdle), nullptr);
}

TEST_F(UpstreamPoolTest, ConnectionIdleTooLongIsDroppedAndClosed) {
  Pair c = connect();
  give_back("a", c);
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(pool_.take("a", milliseconds(10)), nullptr);
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_TRUE(sees_end_of_stream(c.upstream_side));
}

TEST_F(UpstreamPoolTest, ExpiredConnectionsGoWhenAnotherComesBack) {
  Pair old = connect();
  Pair fresh = connect();
  give_back("a", old);
  std::this_thread::sleep_for(milliseconds(30));
  give_back("a", fresh, 4, milliseconds(10));
  EXPECT_EQ(pool_.idle_count(), 1u);
  EXPECT_TRUE(sees_end_of_stream(old.upstream_side));
}

TEST_F(UpstreamPoolTest, CloseClosesEverythingAndKeepsNothingAfter) {
  Pair a = connect();
  Pair b = connect();
  give_back("a", a);
  give_back("b", b);
  pool_.close();
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_TRUE(sees_end_of_stream(a.upstream_side));
  EXPECT_TRUE(sees_end_of_stream(b.upstream_side));
  Pair late = connect();
  give_back("a", late);
  EXPECT_EQ(pool_.idle_count(), 0u);
  EXPECT_TRUE(sees_end_of_stream(late.upstream_side));
  // Nothing is left pending: the event loop runs dry.
  io_.restart();
  io_.run_for(milliseconds(500));
  EXPECT_TRUE(io_.stopped());
}

}  // namespace
}  // namespace centinela::net
