// Trailer fields pass through the gateway (issue 16): an origin's chunked
// trailer section reaches HTTP/1.1 clients after the last chunk and HTTP/2
// clients as a trailing HEADERS frame; a client's trailers (HTTP/2, or an
// HTTP/1.1 chunked body) reach the origin after the last chunk. Fields that
// must never be trailers are dropped on the way, the sections stay bounded,
// compression still relays them and the cache never stores such a response.
#include <atomic>
#include <memory>

#include "body_codings.h"
#include "h2_fixture.h"
#include "raw_origin.h"

namespace itest {
namespace {

// What the origin sends after its last chunk: two fields to relay, and one
// of each kind RFC 9110 §6.5.1 keeps out of trailers.
const std::string kOriginTrailers =
    "Grpc-Status: 0\r\n"
    "Content-Length: 5\r\n"
    "X-Digest:   sha-256=abc  \r\n"
    "Set-Cookie: session=stolen\r\n"
    "Authorization: Bearer forged\r\n"
    "Host: evil.example\r\n"
    "Content-Type: text/evil\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Trailer: X-More\r\n"
    "Cache-Control: max-age=1\r\n";
// The same as the gateway relays them: names as sent, values trimmed.
const std::string kRelayedTrailers = "Grpc-Status: 0\r\nX-Digest: sha-256=abc\r\n";
const std::string kRelayedTrailersH2 = "grpc-status: 0\r\nx-digest: sha-256=abc\r\n";

const std::string kLongText(4000, 'x');

OriginReply chunked_with_trailers(std::string body, HeaderList headers = {}) {
  OriginReply reply = OriginReply::text(200, std::move(body));
  for (auto& field : headers) reply.headers.push_back(std::move(field));
  reply.chunked = true;
  reply.chunk_size = 700;
  reply.trailers = kOriginTrailers;
  return reply;
}

class TrailersTest : public Http2Test {};

TEST_F(TrailersTest, OriginTrailersReachAnHttp11ClientAfterTheLastChunk) {
  origin_.reply("/t", chunked_with_trailers("hello trailers"));
  ASSERT_TRUE(start_h2());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(build_request("GET", "/t") + build_request("GET", "/after")));
  const HttpResponse response = client.read_response();
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(response.body, "hello trailers");
  EXPECT_EQ(response.trailers, kRelayedTrailers);
  EXPECT_FALSE(response.has_header("grpc-status")) << "a trailer is not a header";
  // The framing ended where it said: the next response on the connection is whole.
  const HttpResponse after = client.read_response();
  EXPECT_EQ(after.status, 200) << after.error;
  EXPECT_TRUE(after.trailers.empty());
}

TEST_F(TrailersTest, OriginTrailersReachAnHttp2ClientInATrailingHeadersFrame) {
  origin_.reply("/t", chunked_with_trailers(kLongText));
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(h2_gets({"/t"}));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 1u) << answer.raw;
  const HttpResponse& response = streams[0].response;
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(streams[0].ended);
  EXPECT_FALSE(streams[0].reset);
  EXPECT_EQ(response.body_bytes, kLongText.size());
  EXPECT_EQ(response.trailers, kRelayedTrailersH2);
  EXPECT_FALSE(response.has_header("grpc-status"));
}

TEST_F(TrailersTest, AnHttp10ClientGetsTheBodyWithoutTrailers) {
  origin_.reply("/t", chunked_with_trailers("old client"));
  ASSERT_TRUE(start_h2());
  HttpConnection client(port());
  ASSERT_TRUE(client.send("GET /t HTTP/1.0\r\nHost: x\r\n\r\n"));
  std::string received;
  EXPECT_TRUE(client.wait_closed(3000ms, &received));
  EXPECT_NE(received.find("\r\n\r\nold client"), std::string::npos) << received;
  EXPECT_EQ(received.find("Grpc-Status"), std::string::npos) << received;
}

TEST_F(TrailersTest, ChunkedRequestTrailersReachTheOrigin) {
  ASSERT_TRUE(start_h2());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(
      "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\nX-Checksum:  c1 \r\nHost: evil.example\r\nContent-Length: 3\r\n"
      "Authorization: Bearer forged\r\nX-Forwarded-For: 6.6.6.6\r\nCookie: a=b\r\n\r\n"));
  const HttpResponse response = client.read_response();
  ASSERT_EQ(response.status, 200) << response.error;
  const auto received = origin_.last_request("/up");
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->chunked);
  EXPECT_EQ(received->body, "hello");
  EXPECT_EQ(received->trailers, "X-Checksum: c1\r\n");
  EXPECT_FALSE(received->header("X-Checksum")) << "a trailer is not a header";
}

TEST_F(TrailersTest, Http2RequestTrailersReachTheOriginAfterTheLastChunk) {
  ASSERT_TRUE(start_h2());
  const H2Answer answer =
      h2(R"("sequential": true, "requests": [)"
         R"({"method": "POST", "path": "/up/1", "body": "abcdef", "pieces": 2,)"
         R"( "trailers": [["x-checksum", "c1"], ["authorization", "Bearer forged"],)"
         R"( ["x-forwarded-host", "evil.example"], ["grpc-timeout", "1S"]]},)"
         R"({"method": "POST", "path": "/up/2", "trailers": [["x-only", "trailers"]]},)"
         R"({"method": "POST", "path": "/up/3", "body": "abc",)"
         R"( "headers": [["content-length", "3"]], "trailers": [["x-dropped", "1"]]}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 3u) << answer.raw;
  for (const auto& stream : streams) EXPECT_EQ(stream.response.status, 200) << answer.raw;

  const auto first = origin_.last_request("/up/1");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->chunked);
  EXPECT_EQ(first->body, "abcdef");
  EXPECT_EQ(first->trailers, "x-checksum: c1\r\ngrpc-timeout: 1S\r\n");
  // Trailers without DATA: an empty chunked body and its trailer section.
  const auto second = origin_.last_request("/up/2");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->chunked);
  EXPECT_EQ(second->body, "");
  EXPECT_EQ(second->trailers, "x-only: trailers\r\n");
  // A body with a length goes with Content-Length: it has no place for trailers.
  const auto third = origin_.last_request("/up/3");
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->chunked);
  EXPECT_EQ(third->body, "abc");
  EXPECT_EQ(third->trailers, "");
}

TEST_F(TrailersTest, Http2RequestTrailersThatBreakTheRulesResetTheStream) {
  ASSERT_TRUE(start_h2());
  const std::string big(9000, 'v');
  const H2Answer answer =
      h2(R"("raw_headers": true, "sequential": true, "requests": [)"
         R"({"method": "POST", "path": "/bad/1", "body": "a", "trailers": [["x-bad", "a\r\nb"]]},)"
         R"({"method": "POST", "path": "/bad/2", "body": "a", "trailers": [["X-Upper", "v"]]},)"
         R"({"method": "POST", "path": "/bad/3", "body": "a", "trailers": [[":path", "/x"]]},)"
         R"({"method": "POST", "path": "/bad/4", "body": "a", "trailers": [["x-big-1", ")" +
         big + R"("], ["x-big-2", ")" + big +
         R"("]]},)"
         // Head and trailers together over max_header_bytes (16 KiB), each alone under it.
         R"({"method": "POST", "path": "/bad/5", "body": "a", "headers": [["x-pad", ")" +
         big + R"("]], "trailers": [["x-big", ")" + big +
         R"("]]},)"
         R"({"method": "POST", "path": "/fine", "body": "a", "trailers": [["x-ok", "1"]]}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 6u) << answer.raw;
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(streams[i].reset) << answer.raw;
    EXPECT_EQ(origin_.request_count(fmt::format("/bad/{}", i + 1)), 0u);
  }
  EXPECT_EQ(streams[5].response.status, 200) << "the connection goes on: " << answer.raw;
  const auto fine = origin_.last_request("/fine");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->trailers, "x-ok: 1\r\n");
}

TEST_F(TrailersTest, CompressedResponsesKeepTheirTrailers) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, compression: {min_size: 1KiB}})"};
  origin_.reply("/t", chunked_with_trailers(kLongText));
  ASSERT_TRUE(start_h2());
  const HttpResponse response = get("/t", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.header("content-encoding").value_or("(none)"), "gzip");
  EXPECT_EQ(gunzip(response.body).value_or("(not gzip)"), kLongText);
  EXPECT_EQ(response.trailers, kRelayedTrailers);

  const H2Answer answer =
      h2(R"("requests": [{"path": "/t", "headers": [["accept-encoding", "gzip"]]}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 1u) << answer.raw;
  EXPECT_EQ(streams[0].response.header("content-encoding").value_or("(none)"), "gzip");
  EXPECT_EQ(streams[0].response.trailers, kRelayedTrailersH2);
}

TEST_F(TrailersTest, TheCacheRelaysButNeverStoresAResponseWithTrailers) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, cache: {}})"};
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/t", [count](const ReceivedRequest&) {
    return chunked_with_trailers(fmt::format("version {}", ++*count),
                                 {{"Cache-Control", "max-age=60"}});
  });
  origin_.on("/plain", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "plain");
    reply.headers.emplace_back("Cache-Control", "max-age=60");
    reply.chunked = true;
    return reply;
  });
  ASSERT_TRUE(start_h2());
  for (int i = 1; i <= 2; ++i) {
    SCOPED_TRACE(i);
    const HttpResponse response = get("/t");
    ASSERT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, fmt::format("version {}", i)) << "answered from the cache";
    EXPECT_EQ(response.trailers, kRelayedTrailers);
    // RFC 9211: the head does not claim a store the trailers then prevent.
    EXPECT_EQ(response.header("cache-status").value_or("(none)"),
              "centinela; fwd=miss; fwd-status=200");
  }
  EXPECT_EQ(origin_.request_count("/t"), 2u);
  // A chunked response without trailers is stored as before, though its
  // head could not promise it (its length was unknown); one with a length
  // says `stored`.
  const HttpResponse plain = get("/plain");
  EXPECT_EQ(plain.header("x-cache").value_or("(none)"), "MISS");
  EXPECT_EQ(plain.header("cache-status").value_or("(none)"), "centinela; fwd=miss; fwd-status=200");
  EXPECT_EQ(get("/plain").header("x-cache").value_or("(none)"), "HIT");
  origin_.on("/sized", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "sized");
    reply.headers.emplace_back("Cache-Control", "max-age=60");
    return reply;
  });
  EXPECT_EQ(get("/sized").header("cache-status").value_or("(none)"),
            "centinela; fwd=miss; fwd-status=200; stored");
  EXPECT_EQ(get("/sized").header("x-cache").value_or("(none)"), "HIT");
}

// An origin that sends a body, then trailer lines until the gateway stops
// reading: the gateway cuts the exchange at its bound and closes both sides.
TEST_F(TrailersTest, EndlessOriginTrailersAreCutAtTheBound) {
  auto written = std::make_shared<std::atomic<std::uint64_t>>(0);
  RawOrigin raw([written](RawConnection& connection) {
    if (!connection.read_request()) return;
    if (!connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n0\r\n")) {
      return;
    }
    const std::string line = "X-Flood: " + std::string(1000, 'f') + "\r\n";
    for (int i = 0; i < 100000; ++i) {
      if (!connection.write(line)) break;
      *written += line.size();
    }
    connection.mark("stopped");
  });
  config_.upstreams["raw"] = upstream_yaml({raw.address()});
  config_.routes.insert(config_.routes.begin(), R"({match: {prefix: "/flood"}, upstream: raw})");
  ASSERT_TRUE(start_h2());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(build_request("GET", "/flood")));
  ReadOptions options;
  options.timeout = 5000ms;
  const HttpResponse response = client.read_response(options);
  // Cut before the client saw a byte (a clean 502), or mid-body (the close
  // tells the client): never a whole response.
  if (response.status == 200) {
    EXPECT_FALSE(response.error.empty()) << "a broken response looked whole";
    EXPECT_TRUE(client.wait_closed(3000ms));
  } else {
    EXPECT_EQ(response.status, 502) << response.error;
  }
  EXPECT_TRUE(raw.wait_for_mark("stopped", 1, 5000ms)) << "the gateway kept reading trailers";
  EXPECT_LT(written->load(), 16u * 1024 * 1024) << "bounded by the socket buffers";
  raw.stop();
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
