// Raw bytes a hostile or broken client may send: each must get the right
// error (or be cut off), never reach the origin, and leave the gateway serving.
#include <memory>

#include "gateway_fixture.h"

namespace itest {
namespace {

class HostileInputTest : public GatewayTest {
 protected:
  HostileInputTest() {
    config_.limits = "max_header_bytes: 4KiB, max_body_bytes: 1MiB, header_timeout: 1s";
  }

  // Sends `bytes` on a fresh connection and reads one response.
  HttpResponse exchange(const std::string& bytes, std::chrono::milliseconds timeout = 3000ms) {
    HttpConnection client(port());
    HttpResponse response;
    if (!client.send(bytes)) {
      response.error = "send: " + client.error();
      return response;
    }
    ReadOptions options;
    options.timeout = timeout;
    return client.read_response(options);
  }

  void expect_rejected(const std::string& bytes, int status, const std::string& code) {
    SCOPED_TRACE("request: " + bytes.substr(0, 120));
    EXPECT_TRUE(is_gateway_error(exchange(bytes), status, code));
  }
};

TEST_F(HostileInputTest, MalformedRequestLineIs400) {
  ASSERT_TRUE(start_gateway());
  expect_rejected("GARBAGE\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST");
  expect_rejected("GET\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST");
  expect_rejected("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST");
  expect_rejected(std::string("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, HeaderOverMaxHeaderBytesIs431) {
  ASSERT_TRUE(start_gateway());
  expect_rejected("GET /big HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n",
                  431, "HEADERS_TOO_LARGE");
  std::string many = "GET /many HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i) many += fmt::format("X-Field-{}: {}\r\n", i, std::string(50, 'b'));
  expect_rejected(many + "\r\n", 431, "HEADERS_TOO_LARGE");
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, ContentLengthOverMaxBodyBytesIs413WithoutReadingTheBody) {
  ASSERT_TRUE(start_gateway());
  auto started = Clock::now();
  // Only the head is sent: the answer must not wait for 100 MiB that never comes.
  HttpResponse response =
      exchange("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n", 2000ms);
  EXPECT_TRUE(is_gateway_error(response, 413, "PAYLOAD_TOO_LARGE"));
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, ContentLengthWithTransferEncodingIs400AndCloses) {
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(
      client.send("POST /smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  EXPECT_TRUE(is_gateway_error(client.read_response(), 400, "BAD_REQUEST"));
  EXPECT_TRUE(client.wait_closed(2000ms)) << "connection left open after a smuggling attempt";
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, ConflictingContentLengthsAre400) {
  ASSERT_TRUE(start_gateway());
  expect_rejected(
      "POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400,
      "BAD_REQUEST");
  expect_rejected("POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", 400,
                  "BAD_REQUEST");
  expect_rejected("POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello", 400,
                  "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, InvalidChunkSizeIs400) {
  ASSERT_TRUE(start_gateway());
  const std::string head = "POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_rejected(head + "zz\r\nhello\r\n0\r\n\r\n", 400, "BAD_REQUEST");
  expect_rejected(head + "-5\r\nhello\r\n0\r\n\r\n", 400, "BAD_REQUEST");
  expect_rejected(head + "10000000000000005\r\nhello\r\n0\r\n\r\n", 400, "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, ObsoleteLineFoldingIs400) {
  ASSERT_TRUE(start_gateway());
  expect_rejected("GET /folded HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n second\r\n\r\n", 400,
                  "BAD_REQUEST");
  expect_rejected("GET /folded HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n\tsecond\r\n\r\n", 400,
                  "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, SlowlorisIsCutOffWhileOthersAreServed) {
  ASSERT_TRUE(start_gateway());
  HttpConnection slow(port());
  ASSERT_TRUE(slow.send("GET /slowloris HTTP/1.1\r\nHost: x\r\n"));
  auto started = Clock::now();
  const std::string trickle = "X-Slow: " + std::string(200, 'a');
  bool cut_off = false;
  for (std::size_t i = 0; Clock::now() - started < 5s; ++i) {
    if (!slow.send(trickle.substr(i % trickle.size(), 1), 300ms)) {
      cut_off = true;
      break;
    }
    if (slow.wait_closed(300ms)) {
      cut_off = true;
      break;
    }
    if (i == 1) {
      EXPECT_TRUE(serves_normally()) << "a normal client waits behind a slowloris";
    }
  }
  auto elapsed = Clock::now() - started;
  EXPECT_TRUE(cut_off) << "still connected after 5 s";
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(origin_.request_count("/slowloris"), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(HostileInputTest, ConnectionsOverMaxConnectionsAreRefused) {
  config_.limits = "max_connections: 20";
  ASSERT_TRUE(start_gateway());

  std::vector<std::unique_ptr<HttpConnection>> held;
  for (int i = 0; i < 20; ++i) {
    auto client = std::make_unique<HttpConnection>(port());
    ASSERT_TRUE(client->send(build_request("GET", "/held/" + std::to_string(i))))
        << "connection " << i << ": " << client->error();
    HttpResponse response = client->read_response();
    ASSERT_EQ(response.status, 200) << "connection " << i << ": " << response.error;
    held.push_back(std::move(client));
  }

  for (int i = 20; i < 30; ++i) {
    SCOPED_TRACE("connection " + std::to_string(i + 1));
    HttpConnection extra(port(), 1000ms);
    if (!extra.connected() || !extra.send(build_request("GET", "/extra"))) continue;  // refused
    ReadOptions options;
    options.timeout = 2000ms;
    HttpResponse response = extra.read_response(options);
    if (response.status == 503) continue;
    EXPECT_EQ(response.status, 0) << "an over-limit connection was served";
    EXPECT_NE(response.error, "timed out") << "an over-limit connection was left hanging";
  }
  EXPECT_EQ(origin_.request_count("/extra"), 0u);

  for (std::size_t i = 0; i < held.size(); ++i) {
    ASSERT_TRUE(held[i]->send(build_request("GET", "/held-again"))) << "connection " << i;
    EXPECT_EQ(held[i]->read_response().status, 200) << "held connection " << i;
  }
  held.clear();
  EXPECT_TRUE(eventually([&] { return get("/after-release").status == 200; }, 2s));
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
