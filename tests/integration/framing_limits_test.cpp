// A request body's chunked framing is read strictly and within bounds: chunk
// extensions and trailers cannot hold memory, broken line endings are a 400
// and a close at once, and a framing line cannot be dripped forever.
#include <poll.h>

#include <algorithm>
#include <memory>

#include "gateway_fixture.h"
#include "rss_sampler.h"

namespace itest {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kFloodGrowthLimit = 8 * kMiB;
const std::string kChunkedHead =
    "POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

class FramingLimitsTest : public GatewayTest {
 protected:
  FramingLimitsTest() {
    config_.limits = "max_header_bytes: 4KiB, max_body_bytes: 64MiB, header_timeout: 1s";
  }

  // Sends `bytes` on a fresh connection; the gateway must answer 400 and close.
  void expect_refused_and_closed(const std::string& bytes) {
    SCOPED_TRACE("body: " + bytes.substr(kChunkedHead.size(), 80));
    HttpConnection client(port());
    ASSERT_TRUE(client.send(bytes)) << client.error();
    ReadOptions options;
    options.timeout = 3000ms;  // far below idle_timeout (60s)
    EXPECT_TRUE(is_gateway_error(client.read_response(options), 400, "BAD_REQUEST"));
    EXPECT_TRUE(client.wait_closed(2000ms)) << "connection left open after broken framing";
  }

  // Sends `start`, then `piece` over and over (up to `total` bytes) until the
  // gateway answers or stops reading; returns its answer. The gateway's
  // resident memory is sampled throughout, while the connection is open.
  HttpResponse flood(const std::string& start, const std::string& piece, std::uint64_t total) {
    const std::uint64_t baseline = gateway_->rss_bytes();
    RssSampler sampler([&] { return gateway_->rss_bytes(); });
    HttpConnection client(port());
    HttpResponse response;
    if (!client.send(start)) return response;
    for (std::uint64_t sent = 0; sent < total; sent += piece.size()) {
      pollfd answer{client.fd(), POLLIN, 0};
      if (::poll(&answer, 1, 0) > 0) break;  // answered (or closed): stop sending
      if (!client.send(piece, 2000ms)) break;
    }
    ReadOptions options;
    options.timeout = 3000ms;
    response = client.read_response(options);
    // The connection is still open: what it holds is resident now.
    const std::uint64_t peak = std::max(sampler.peak_bytes(), gateway_->rss_bytes());
    sampler.stop();
    growth_ = peak > baseline ? peak - baseline : 0;
    return response;
  }

  std::uint64_t growth_ = 0;
};

TEST_F(FramingLimitsTest, ValidExtensionsAndTrailersStillPass) {
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(kChunkedHead +
                          "5;name=value;q=\"a \\\"quoted\\\" b\" ; flag\r\nhello\r\n"
                          "000006\r\n world\r\n0;last\r\nX-Trailer: v\r\nX-Other:\r\n\r\n" +
                          build_request("GET", "/after-trailers")));
  HttpResponse response = client.read_response();
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request("/chunks");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body, "hello world");
  EXPECT_FALSE(received->header("X-Trailer")) << "trailers stay trailers";
  EXPECT_EQ(received->trailers, "X-Trailer: v\r\nX-Other:\r\n");
  // The body ended exactly where the framing said: the next request follows.
  EXPECT_EQ(client.read_response().status, 200);
  EXPECT_EQ(origin_.request_count("/after-trailers"), 1u);
}

TEST_F(FramingLimitsTest, ChunkExtensionFloodIs400WithoutHoldingMemory) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = flood(kChunkedHead + "1;a=", std::string(64 * 1024, 'b'), 48 * kMiB);
  EXPECT_TRUE(is_gateway_error(response, 400, "BAD_REQUEST"));
  EXPECT_LT(growth_, kFloodGrowthLimit);
  EXPECT_EQ(origin_.request_count("/chunks"), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(FramingLimitsTest, TrailerFloodIs400WithoutHoldingMemory) {
  ASSERT_TRUE(start_gateway());
  std::string lines;
  for (int i = 0; lines.size() < 64 * 1024; ++i) {
    lines += fmt::format("X-Trailer-{}: {}\r\n", i, std::string(1000, 'v'));
  }
  HttpResponse response = flood(kChunkedHead + "0\r\n", lines, 32 * kMiB);
  EXPECT_TRUE(is_gateway_error(response, 400, "BAD_REQUEST"));
  EXPECT_LT(growth_, kFloodGrowthLimit);
  EXPECT_EQ(origin_.request_count("/chunks"), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(FramingLimitsTest, ExtensionsOverTheirLimitAre400) {
  config_.limits += ", max_chunk_extension_bytes: 64B";
  ASSERT_TRUE(start_gateway());
  // Within the limit over the whole message, then over it.
  HttpConnection client(port());
  ASSERT_TRUE(client.send(kChunkedHead + "1;a=" + std::string(40, 'b') + "\r\nx\r\n0\r\n\r\n"));
  EXPECT_EQ(client.read_response().status, 200);
  expect_refused_and_closed(kChunkedHead + "1;a=" + std::string(40, 'b') +
                            "\r\nx\r\n1;a=" + std::string(40, 'b') + "\r\nx\r\n0\r\n\r\n");
}

TEST_F(FramingLimitsTest, BrokenLineEndingsAre400AndClose) {
  ASSERT_TRUE(start_gateway());
  for (const std::string body : {
           "5\nhello\n0\n\n",                               // LF only
           "5\rhello\r0\r\r",                               // CR only
           "5\r\nhello\n0\r\n\r\n",                         // LF after the data
           "5\r\nhello\r\n0\r\r\n\r\n",                     // bare CR in the last chunk
           "5\r\nhello\r\n0\r\n\r\r\n",                     // bare CR ending the trailer section
           "5\r\nhello\r\n0\r\nX-T: v\n\r\n",               // LF-only trailer line
           "5\r\nhello\r\n0\r\nX-T: v\r\n folded\r\n\r\n",  // folded trailer line
           "5;a=\"unterminated\r\nhello\r\n0\r\n\r\n",      // quoted extension never closed
           "5;a=b c\r\nhello\r\n0\r\n\r\n",                 // junk after an extension
       }) {
    expect_refused_and_closed(kChunkedHead + body);
  }
  EXPECT_EQ(origin_.request_count("/chunks"), 0u);
  EXPECT_TRUE(serves_normally());
}

TEST_F(FramingLimitsTest, UnfinishedChunkLineIs400WithinTheHeaderTimeout) {
  ASSERT_TRUE(start_gateway());
  // The extension never ends; idle_timeout (60s) must not be what ends it.
  expect_refused_and_closed(kChunkedHead + "5;ext");
}

TEST_F(FramingLimitsTest, DrippedTrailerSectionIsCutOff) {
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(kChunkedHead + "5\r\nhello\r\n0\r\nX-Slow: "));
  const auto started = Clock::now();
  bool cut_off = false;
  // One byte every 200 ms resets no timer: the whole section has header_timeout.
  while (Clock::now() - started < 5s) {
    if (!client.send("a", 300ms) || client.wait_closed(200ms)) {
      cut_off = true;
      break;
    }
  }
  EXPECT_TRUE(cut_off) << "a dripped trailer section was still read after 5 s";
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
