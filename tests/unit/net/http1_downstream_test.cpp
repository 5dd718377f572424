// The HTTP/1.1 response writer and request-body reader over a real loopback
// connection: what the client reads on the wire for each kind of response,
// and what the pipeline reads of each kind of request body.
#include "net/http1_downstream.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "net/deadline.h"

namespace centinela::net {
namespace {

using std::chrono::milliseconds;
namespace wire = centinela::http;

class Http1DownstreamTest : public ::testing::Test {
 protected:
  Http1DownstreamTest() {
    gateway_.connect(acceptor_.local_endpoint());
    acceptor_.accept(client_);
  }

  Http1Downstream& make(ClientRequest request, wire::BodyDecoder body = {}) {
    downstream_.emplace(Http1Downstream::Io{gateway_, buffer_, watch_, head_},
                        Http1Downstream::Timeouts{milliseconds(2000), milliseconds(2000)},
                        draining_, request, body);
    return *downstream_;
  }

  // Runs `body` as a coroutine to its end on the test's io_context.
  void run(std::function<asio::awaitable<void>()> body) {
    bool done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await body();
          done = true;
        },
        asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + milliseconds(3000);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(milliseconds(5));
    }
    ASSERT_TRUE(done);
  }

  // Sends a response through the downstream: head, then `pieces`.
  void send(stage::Response& response, std::vector<std::string> pieces) {
    run([&]() -> asio::awaitable<void> {
      EXPECT_TRUE(downstream_->send_head(response));
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        EXPECT_TRUE(co_await downstream_->send_body(pieces[i], i + 1 == pieces.size()));
      }
    });
  }

  // Everything the client received so far.
  std::string received() {
    std::string out;
    boost::system::error_code ec;
    gateway_.shutdown(tcp::socket::shutdown_send, ec);
    char chunk[4096];
    for (;;) {
      const std::size_t n = client_.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      out.append(chunk, n);
    }
    return out;
  }

  stage::Response response(unsigned status, std::optional<std::uint64_t> length,
                           bool sends_body = true) {
    stage::Response r(arena_);
    r.status = status;
    r.length = length;
    r.sends_body = sends_body;
    r.fields.add_view("Content-Type", "text/plain");
    return r;
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::socket gateway_{io_};
  tcp::socket client_{io_};
  DeadlineSweeper sweeper_{io_, milliseconds(100)};
  DeadlineWatch watch_{sweeper_};
  beast::flat_buffer buffer_;
  std::string head_;
  bool draining_ = false;
  stage::Arena arena_;
  std::optional<Http1Downstream> downstream_;
};

ClientRequest http11() { return ClientRequest{}; }

ClientRequest http10(bool keep_alive) {
  ClientRequest request;
  request.version = 10;
  request.keep_alive = keep_alive;
  return request;
}

TEST_F(Http1DownstreamTest, KnownLengthGoesOutWithContentLengthAndStaysOpen) {
  Http1Downstream& down = make(http11());
  stage::Response r = response(200, 5);
  send(r, {"hello"});
  const std::string expected =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
  EXPECT_EQ(received(), expected);
  EXPECT_TRUE(down.keeps_connection());
  EXPECT_EQ(down.status(), 200u);
  EXPECT_EQ(down.bytes_sent(), expected.size());
}

TEST_F(Http1DownstreamTest, UnknownLengthIsChunkedForHttp11) {
  Http1Downstream& down = make(http11());
  stage::Response r = response(200, std::nullopt);
  send(r, {"abc", "", "defgh"});
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n");
  EXPECT_TRUE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, UnknownLengthEndsWithTheCloseForHttp10) {
  Http1Downstream& down = make(http10(true));
  stage::Response r = response(200, std::nullopt);
  send(r, {"abc", "def"});
  EXPECT_EQ(received(),
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nabcdef");
  EXPECT_FALSE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, Http10KeepAliveIsSaidOutLoud) {
  Http1Downstream& down = make(http10(true));
  stage::Response r = response(200, 2);
  send(r, {"ok"});
  EXPECT_EQ(received(),
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            "Connection: keep-alive\r\n\r\nok");
  EXPECT_TRUE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, ClientThatAsksForCloseGetsIt) {
  Http1Downstream& down = make(http10(false));
  stage::Response r = response(200, 2);
  send(r, {"ok"});
  EXPECT_EQ(received(),
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\nok");
  EXPECT_FALSE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, HeadAnnouncesTheLengthAndSendsNoBody) {
  ClientRequest request;
  request.head_request = true;
  make(request);
  stage::Response r = response(200, 11, /*sends_body=*/false);
  send(r, {"not sent!!!"});
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n");
}

TEST_F(Http1DownstreamTest, NotModifiedWithoutLengthHasNoFraming) {
  make(http11());
  stage::Response r = response(304, std::nullopt, /*sends_body=*/false);
  send(r, {""});
  EXPECT_EQ(received(), "HTTP/1.1 304 Not Modified\r\nContent-Type: text/plain\r\n\r\n");
}

TEST_F(Http1DownstreamTest, FramingFieldsAreTheWritersOwn) {
  make(http11());
  stage::Response r = response(200, 2);
  r.fields.add_view("Content-Length", "999");
  r.fields.add_view("transfer-encoding", "chunked");
  r.fields.add_view("Connection", "close");
  r.fields.add_view("Keep-Alive", "timeout=5");
  r.reason = "Fine";
  send(r, {"ok"});
  EXPECT_EQ(received(),
            "HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
}

TEST_F(Http1DownstreamTest, UnreadRequestBodyClosesTheConnection) {
  Http1Downstream& down = make(http11(), wire::BodyDecoder(wire::Framing::length, 10, {}));
  stage::Response r = response(401, 4);
  send(r, {"nope"});
  EXPECT_EQ(received(),
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
            "Connection: close\r\n\r\nnope");
  EXPECT_FALSE(down.keeps_connection());
  EXPECT_TRUE(down.body_unread());
}

TEST_F(Http1DownstreamTest, DrainingWorkerClosesAfterTheResponse) {
  Http1Downstream& down = make(http11());
  draining_ = true;
  stage::Response r = response(200, 2);
  send(r, {"ok"});
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\nok");
  EXPECT_FALSE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, AbortedResponseHasNoFinalChunkAndCloses) {
  Http1Downstream& down = make(http11());
  stage::Response r = response(200, std::nullopt);
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE(down.send_head(r));
    EXPECT_TRUE(co_await down.send_body("abc", false));
    down.abort();
    EXPECT_FALSE(co_await down.send_body("def", true));
  });
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n");
  EXPECT_FALSE(down.keeps_connection());
  EXPECT_TRUE(down.head_sent());
}

TEST_F(Http1DownstreamTest, TrailersFollowTheLastChunk) {
  Http1Downstream& down = make(http11());
  stage::Response r = response(200, std::nullopt);
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE(down.send_head(r));
    EXPECT_TRUE(co_await down.send_last("abc", "Grpc-Status: 0\r\nX-Sum: 1\r\n"));
  });
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n0\r\nGrpc-Status: 0\r\nX-Sum: 1\r\n\r\n");
  EXPECT_TRUE(down.keeps_connection());
}

TEST_F(Http1DownstreamTest, TrailersHaveNoPlaceInALengthOrAClose) {
  make(http11());
  stage::Response known = response(200, 3);
  run([&]() -> asio::awaitable<void> {
    EXPECT_TRUE(downstream_->send_head(known));
    EXPECT_TRUE(co_await downstream_->send_last("abc", "X-Sum: 1\r\n"));
  });
  EXPECT_EQ(received(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc");
}

TEST_F(Http1DownstreamTest, AChunkedRequestBodysTrailersAreKept) {
  Http1Downstream& down = make(http11(), wire::BodyDecoder(wire::Framing::chunked, 0, {}));
  std::string kept;
  down.keep_request_trailers(kept);
  asio::write(client_,
              asio::buffer(std::string_view("3\r\nabc\r\n0\r\nX-Sum: 1\r\nHost: evil\r\n\r\n")));
  run([&]() -> asio::awaitable<void> {
    char into[16];
    std::string body;
    while (!down.done()) {
      EXPECT_TRUE(down.trailers().empty()) << "not before the body ends";
      const stage::BodyRead read = co_await down.read(into);
      EXPECT_EQ(read.error, stage::BodyError::none);
      if (read.error != stage::BodyError::none) break;
      body.append(into, read.size);
    }
    EXPECT_EQ(body, "abc");
  });
  EXPECT_EQ(down.trailers(), "X-Sum: 1\r\n");
}

TEST_F(Http1DownstreamTest, TheHeadWaitsForTheFirstPiece) {
  Http1Downstream& down = make(http11());
  stage::Response r = response(200, 5);
  EXPECT_TRUE(down.send_head(r));
  EXPECT_TRUE(down.head_sent());
  EXPECT_EQ(down.bytes_sent(), 0u);  // held back for one gather write
}

// --- the request body ---------------------------------------------------

TEST_F(Http1DownstreamTest, ChunkedBodyIsReadDecodedAfterAContinue) {
  ClientRequest request;
  request.expects_continue = true;
  Http1Downstream& down = make(request, wire::BodyDecoder(wire::Framing::chunked, 0, {}));
  EXPECT_TRUE(down.present());
  EXPECT_FALSE(down.length());
  EXPECT_FALSE(down.started());
  asio::write(client_, asio::buffer(std::string_view("5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n\r\n")));
  std::string body;
  run([&]() -> asio::awaitable<void> {
    char out[4];
    while (!down.done()) {
      const stage::BodyRead got = co_await down.read(out);
      EXPECT_EQ(got.error, stage::BodyError::none);
      if (got.error != stage::BodyError::none) break;
      body.append(out, got.size);
    }
  });
  EXPECT_EQ(body, "helloabc");
  EXPECT_TRUE(down.started());
  EXPECT_FALSE(down.body_unread());
  std::string invitation(25, '\0');
  asio::read(client_, asio::buffer(invitation));
  EXPECT_EQ(invitation, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST_F(Http1DownstreamTest, KnownLengthBodyHasItsLength) {
  Http1Downstream& down = make(
      [] {
        ClientRequest request;
        request.body_length = 4;
        return request;
      }(),
      wire::BodyDecoder(wire::Framing::length, 4, {}));
  ASSERT_TRUE(down.length());
  EXPECT_EQ(*down.length(), 4u);
  asio::write(client_, asio::buffer(std::string_view("datanext request")));
  std::string body;
  run([&]() -> asio::awaitable<void> {
    char out[64];
    const stage::BodyRead got = co_await down.read(out);
    body.assign(out, got.size);
  });
  EXPECT_EQ(body, "data");
  EXPECT_TRUE(down.done());
}

TEST_F(Http1DownstreamTest, AnAnswerWithoutReadingTheBodySendsNoContinue) {
  ClientRequest request;
  request.expects_continue = true;
  make(request, wire::BodyDecoder(wire::Framing::length, 10, {}));
  stage::Response r = response(401, 0);
  send(r, {""});
  EXPECT_EQ(received(),
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n");
}

TEST_F(Http1DownstreamTest, BrokenChunkFramingIsMalformed) {
  Http1Downstream& down = make(http11(), wire::BodyDecoder(wire::Framing::chunked, 0, {}));
  asio::write(client_, asio::buffer(std::string_view("zz\r\n")));
  stage::BodyRead got;
  run([&]() -> asio::awaitable<void> {
    char out[16];
    got = co_await down.read(out);
  });
  EXPECT_EQ(got.error, stage::BodyError::malformed);
  EXPECT_FALSE(got.detail.empty());
  EXPECT_EQ(down.status(), 400u);  // nothing sent: the access log says 400
  EXPECT_TRUE(down.body_unread());
}

TEST_F(Http1DownstreamTest, BodyOverTheLimitIsTooLarge) {
  wire::BodyLimits limits;
  limits.max_body = 3;
  Http1Downstream& down = make(http11(), wire::BodyDecoder(wire::Framing::chunked, 0, limits));
  asio::write(client_, asio::buffer(std::string_view("8\r\n12345678\r\n")));
  stage::BodyRead got;
  run([&]() -> asio::awaitable<void> {
    char out[16];
    do {
      got = co_await down.read(out);
    } while (got.error == stage::BodyError::none && !down.done());
  });
  EXPECT_EQ(got.error, stage::BodyError::too_large);
}

TEST_F(Http1DownstreamTest, ClientThatLeavesMidBodyIsGone) {
  Http1Downstream& down = make(http11(), wire::BodyDecoder(wire::Framing::length, 10, {}));
  asio::write(client_, asio::buffer(std::string_view("abc")));
  client_.close();
  stage::BodyRead got;
  run([&]() -> asio::awaitable<void> {
    char out[16];
    do {
      got = co_await down.read(out);
    } while (got.error == stage::BodyError::none && !down.done());
  });
  EXPECT_EQ(got.error, stage::BodyError::client_gone);
  EXPECT_EQ(down.status(), 400u);
}

}  // namespace
}  // namespace centinela::net
