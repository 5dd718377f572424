// ClientCloseWatch over a real loopback connection: a client that closes (or
// shuts its side) while its request is served is gone, and the exchange's
// waits are abandoned; bytes it sends (a pipelined request) are not its end.
#include "net/client_close_watch.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "net/deadline.h"
#include "stage/request_context.h"

namespace centinela::net {
namespace {

using std::chrono::milliseconds;

class ClientCloseWatchTest : public ::testing::Test {
 protected:
  ClientCloseWatchTest() {
    gateway_.connect(acceptor_.local_endpoint());
    acceptor_.accept(client_);
    upstream_client_.connect(acceptor_.local_endpoint());
    acceptor_.accept(upstream_);
    watch_.prepare(gateway_, false, exchange_, buffer_, ctx_);
    watch_.start();
    sweeper_.start();
  }

  // Runs the io_context until `condition` holds (or 3 s pass).
  template <typename Condition>
  bool run_until(Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(3000);
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(milliseconds(5));
    }
    return condition();
  }

  void settle() {
    bool done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await watch_.settle();
          done = true;
        },
        asio::detached);
    ASSERT_TRUE(run_until([&] { return done; }));
    EXPECT_FALSE(watch_.pending());
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  tcp::socket gateway_{io_};
  tcp::socket client_{io_};
  tcp::socket upstream_client_{io_};  // the gateway's side of an upstream connection
  tcp::socket upstream_{io_};
  DeadlineSweeper sweeper_{io_, milliseconds(100)};
  DeadlineWatch exchange_{sweeper_};
  beast::flat_buffer buffer_;
  stage::RequestHead head_;
  stage::Arena arena_;
  stage::RequestContext ctx_{head_, arena_};
  ClientCloseWatch watch_;
};

TEST_F(ClientCloseWatchTest, ClosedClientAbandonsTheExchangesWait) {
  // The exchange waits for its upstream's answer.
  bool upstream_wait_ended = false;
  boost::system::error_code upstream_ec;
  exchange_.arm(upstream_client_, std::chrono::steady_clock::now() + std::chrono::minutes(1));
  upstream_client_.async_wait(tcp::socket::wait_read, [&](boost::system::error_code ec) {
    upstream_ec = ec;
    upstream_wait_ended = true;
  });
  client_.close();
  ASSERT_TRUE(run_until([&] { return watch_.gone(); }));
  EXPECT_TRUE(exchange_.abandoned());
  ASSERT_TRUE(run_until([&] { return upstream_wait_ended; }));
  EXPECT_EQ(upstream_ec, asio::error::operation_aborted);
  settle();
  EXPECT_FALSE(exchange_.abandoned()) << "the connection's next waits are its own";
}

TEST_F(ClientCloseWatchTest, ClientShutForWritingIsGone) {
  client_.shutdown(tcp::socket::shutdown_send);
  ASSERT_TRUE(run_until([&] { return watch_.gone(); }));
  EXPECT_TRUE(exchange_.abandoned());
  settle();
}

TEST_F(ClientCloseWatchTest, PipelinedBytesAreNotTheEnd) {
  asio::write(client_, asio::buffer(std::string_view("GET /next HTTP/1.1\r\n\r\n")));
  ASSERT_TRUE(run_until([&] { return watch_.bytes_came(); }));
  EXPECT_FALSE(watch_.gone());
  EXPECT_FALSE(exchange_.abandoned());
  // The client is there; waiting again on bytes not yet read would wake at
  // once, again and again.
  EXPECT_FALSE(watch_.pending()) << "the watch ends with the bytes";
  settle();
  EXPECT_FALSE(watch_.gone());
  // The bytes are still there for the next request's read.
  char got[64];
  EXPECT_GT(gateway_.read_some(asio::buffer(got)), 0u);
}

TEST_F(ClientCloseWatchTest, TheReadIsQueuedOnlyFromTheNextSweepOn) {
  // A request answered within a tick costs no read on the client's socket.
  EXPECT_FALSE(watch_.pending());
  io_.restart();
  io_.poll();
  EXPECT_FALSE(watch_.pending()) << "queued before the sweep";
  ASSERT_TRUE(run_until([&] { return watch_.pending(); })) << "the sweep started no read";
  client_.close();
  ASSERT_TRUE(run_until([&] { return watch_.gone(); }));
  settle();
}

TEST_F(ClientCloseWatchTest, StoppedBeforeTheSweepNeverReads) {
  watch_.stop();
  client_.close();
  io_.restart();
  io_.run_for(milliseconds(250));  // two sweeps
  EXPECT_FALSE(watch_.pending());
  EXPECT_FALSE(watch_.gone());
  EXPECT_FALSE(exchange_.abandoned());
}

TEST_F(ClientCloseWatchTest, ARequestNotWatchedLeavesTheLastRequestsExchangeAlone) {
  // The slot's next request comes on another connection and is not watched
  // (a WebSocket handshake: no prepare()), yet its end stops the watch. The
  // last request's exchange (a connection that may be gone by then) must not
  // be touched: here it is alive and abandoned, and must stay so.
  settle();
  exchange_.abandon();
  watch_.stop();
  EXPECT_TRUE(exchange_.abandoned()) << "stop() reached the last request's exchange";
}

TEST_F(ClientCloseWatchTest, StoppedWatchSeesNothing) {
  settle();
  client_.close();
  io_.restart();
  io_.run_for(milliseconds(50));
  EXPECT_FALSE(watch_.gone());
  EXPECT_FALSE(exchange_.abandoned());
}

}  // namespace
}  // namespace centinela::net
