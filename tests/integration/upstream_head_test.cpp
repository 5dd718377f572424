// Response heads from an origin that does not play by the rules: every head
// the gateway cannot read unambiguously is a 502 and leaves the gateway
// serving; the heads it accepts reach the client without their hop-by-hop
// fields and with one framing.
#include <string>
#include <utility>
#include <vector>

#include "gateway_fixture.h"

namespace itest {
namespace {

class UpstreamHeadTest : public GatewayTest {
 protected:
  // Answers `path` with exactly `raw`, then closes.
  void answer_raw(const std::string& path, std::string raw) {
    origin_.on(path, [raw = std::move(raw)](const ReceivedRequest&) {
      OriginReply reply;
      reply.raw = raw;
      return reply;
    });
  }
};

TEST_F(UpstreamHeadTest, AmbiguousOrMalformedHeadsAre502) {
  const std::vector<std::pair<std::string, std::string>> heads = {
      {"/obs-fold", "HTTP/1.1 200 OK\r\nX-Folded: first\r\n second\r\nContent-Length: 2\r\n\r\nhi"},
      {"/obs-fold-tab", "HTTP/1.1 200 OK\r\nX-Folded: a\r\n\tb\r\nContent-Length: 2\r\n\r\nhi"},
      {"/bare-lf", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"},
      {"/bare-lf-in-value", "HTTP/1.1 200 OK\r\nX-A: a\nb\r\nContent-Length: 2\r\n\r\nhi"},
      {"/bare-cr", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2\r\n\r\nhi"},
      {"/nul",
       std::string("HTTP/1.1 200 OK\r\nX-A: a") + '\0' + "b\r\nContent-Length: 2\r\n\r\nhi"},
      {"/control", "HTTP/1.1 200 OK\r\nX-A: a\x01z\r\nContent-Length: 2\r\n\r\nhi"},
      {"/conflicting-lines",
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"},
      {"/conflicting-list", "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nhi!"},
      {"/signed-length", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi"},
      {"/chunked-and-length",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: "
       "2\r\n\r\n2\r\nhi\r\n0\r\n\r\n"},
      {"/length-and-chunked",
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: "
       "chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"},
      {"/chunked-twice",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
       "2\r\nhi\r\n0\r\n\r\n"},
      {"/space-before-colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi"},
      {"/no-colon", "HTTP/1.1 200 OK\r\nJust a line\r\nContent-Length: 2\r\n\r\nhi"},
      {"/status-600", "HTTP/1.1 600 Beyond\r\nContent-Length: 2\r\n\r\nhi"},
      {"/http2-version", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"},
      {"/leading-empty-line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"},
      {"/bad-connection",
       "HTTP/1.1 200 OK\r\nConnection: \"close\"\r\nContent-Length: 2\r\n\r\nhi"},
      {"/huge-head", "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'a') +
                         "\r\nContent-Length: 2\r\n\r\nhi"},
      {"/endless-head", "HTTP/1.1 200 OK\r\n" + std::string(70 * 1024, 'b')},
  };
  for (const auto& [path, raw] : heads) answer_raw(path, raw);
  // So many bad answers in a row would eject the only server (503).
  config_.upstreams["api"] =
      upstream_yaml({origin_.address()}, "passive_health: {max_failures: 0}");
  ASSERT_TRUE(start_gateway());

  for (const auto& [path, raw] : heads) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(is_gateway_error(get(path), 502, "BAD_GATEWAY"));
  }
  EXPECT_TRUE(serves_normally());
}

TEST_F(UpstreamHeadTest, RepeatedEqualLengthsAreOneLength) {
  answer_raw("/same-lines",
             "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello");
  answer_raw("/same-list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello");
  ASSERT_TRUE(start_gateway());
  for (const char* path : {"/same-lines", "/same-list"}) {
    SCOPED_TRACE(path);
    const HttpResponse response = get(path);
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, "hello");
    EXPECT_EQ(response.header("Content-Length"), "5");
  }
}

TEST_F(UpstreamHeadTest, AnotherCodingThanChunkedIsReadUntilTheClose) {
  answer_raw("/identity", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nuntil the close");
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/identity");
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "until the close");
  EXPECT_NE(response.header("Transfer-Encoding"), "identity");
  EXPECT_TRUE(serves_normally());
}

TEST_F(UpstreamHeadTest, InterimResponsesAreSkippedAndNotRelayed) {
  std::string interim = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
  for (int i = 0; i < 200; ++i)
    interim += "HTTP/1.1 100 Continue\r\nX-Pad: " + std::string(200, 'p') + "\r\n\r\n";
  answer_raw(
      "/early-hints",
      interim + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nfinal");
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/early-hints");
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "final");
  EXPECT_EQ(response.header("Content-Type"), "text/plain");
  EXPECT_FALSE(response.has_header("Link"));
}

TEST_F(UpstreamHeadTest, HopByHopAndConnectionNamedFieldsStayBehind) {
  answer_raw("/hop",
             "HTTP/1.1 200 Fine\r\nConnection: X-Hop, keep-alive\r\nKeep-Alive: timeout=5\r\n"
             "X-Hop: secret\r\nProxy-Authenticate: Basic\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\n"
             "X-End: kept\r\nConnection: X-Other\r\nX-Other: gone\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/hop");
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(response.header("X-End"), "kept");
  for (const char* name :
       {"X-Hop", "X-Other", "Keep-Alive", "Proxy-Authenticate", "Trailer", "Upgrade"}) {
    EXPECT_FALSE(response.has_header(name)) << name;
  }
}

}  // namespace
}  // namespace itest
