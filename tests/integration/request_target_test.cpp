// The request line and target as the gateway reads them: one path is one
// route (RFC 3986 §6.2.2 normalisation before routing, limits and cache
// keys, and for the upstream), targets another parser could read differently
// are refused, and every malformed request line or framing field gets its
// 400 / 501 / 505 and a close at once, not at a timer.
#include "gateway_fixture.h"

namespace itest {
namespace {

class RequestTargetTest : public GatewayTest {
 protected:
  RequestTargetTest() {
    // Long enough that an answer arriving before it was not waiting for it.
    config_.limits = "header_timeout: 30s, idle_timeout: 30s";
  }

  HttpResponse exchange(const std::string& bytes, std::chrono::milliseconds timeout = 5000ms) {
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

  // Sends `bytes`, expects the error and the connection closed right after.
  void expect_refused_and_closed(const std::string& bytes, int status, const std::string& code) {
    SCOPED_TRACE("request: " + bytes.substr(0, 120));
    HttpConnection client(port());
    ASSERT_TRUE(client.send(bytes));
    ReadOptions options;
    options.timeout = 10000ms;
    EXPECT_TRUE(is_gateway_error(client.read_response(options), status, code));
    EXPECT_TRUE(client.wait_closed(10000ms)) << "connection left open";
  }

  std::string get_line(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
};

TEST_F(RequestTargetTest, EquivalentPathsReachTheSameRouteAndItsLimit) {
  config_.routes = {R"({name: login, match: {exact: "/api/login"}, upstream: api,)"
                    R"( rate_limit: {name: login, key: ip, limit: 3, window: 1h}})",
                    R"({match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());

  const std::vector<std::string> variants = {"//api/login", "/api/./login", "/api/%6cogin",
                                             "/api/x/../login", "/api//login?x=1"};
  std::vector<int> statuses;
  for (const std::string& target : variants) {
    SCOPED_TRACE(target);
    HttpResponse response = get(target);
    statuses.push_back(response.status);
    EXPECT_TRUE(response.has_header("ratelimit")) << "answered outside the login route";
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 429, 429}));
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 3u);
  for (const auto& request : received) EXPECT_EQ(request.target, "/api/login");
}

TEST_F(RequestTargetTest, TheUpstreamReceivesTheNormalisedTarget) {
  ASSERT_TRUE(start_gateway());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/a/%7euser/%41%2d%5F", "/a/~user/A-_"},
      {"/a/b/./c/../d", "/a/b/d"},
      {"///a//b///", "/a/b/"},
      {"/a/%c3%a9", "/a/%C3%A9"},
      {"/a/%2e/b/%2E%2E/c", "/a/c"},
      {"/a/b/..", "/a/"},
  };
  for (const auto& [target, expected] : cases) {
    SCOPED_TRACE(target);
    ASSERT_EQ(get(target + "?q=%7e/./x&y").status, 200);
    auto received = origin_.last_request();
    ASSERT_TRUE(received);
    EXPECT_EQ(received->target, expected + "?q=%7e/./x&y") << "the query is not rewritten";
  }
}

TEST_F(RequestTargetTest, TargetsAnotherParserCouldReadDifferentlyAre400) {
  ASSERT_TRUE(start_gateway());
  const std::vector<std::string> bad = {
      "/a#frag",  "/a\\b",  "/caf\xc3\xa9", "/a<b",   "/a>b",   "/a\"b",   "/a%zz",    "/a%4",
      "/a%",      "/a%00b", "/a%2Fb",       "/a%2fb", "/a%5cb", "/../etc", "/a/../..", "/%2e%2e/x",
      "/a?b=%g1", "/a?b#c", "/a?b=\x7f",    "/a\x7f", "*",      "a/b",     "/a?b c",
  };
  for (const std::string& target : bad) {
    SCOPED_TRACE(target);
    EXPECT_TRUE(is_gateway_error(exchange(get_line(target)), 400, "BAD_REQUEST"));
  }
  EXPECT_EQ(origin_.request_count(), 0u);
}

// curl and scripts send a search like q="how to" raw; browsers send %22. Both
// reach the origin, the cache and the limits as the browser's spelling.
TEST_F(RequestTargetTest, QuotesAndAngleBracketsInAQueryAreEscapedOnTheWay) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, cache: {ttl: 1m}})"};
  ASSERT_TRUE(start_gateway());
  HttpResponse raw = get("/search?q=\"how+to\"+<b>&x=a\\b");
  ASSERT_EQ(raw.status, 200) << raw.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->target, "/search?q=%22how+to%22+%3Cb%3E&x=a\\b");
  EXPECT_EQ(raw.header("x-cache").value_or(""), "MISS");
  HttpResponse escaped = get("/search?q=%22how+to%22+%3Cb%3E&x=a\\b");
  ASSERT_EQ(escaped.status, 200) << escaped.error;
  EXPECT_EQ(escaped.header("x-cache").value_or(""), "HIT") << "two spellings, two entries";
  EXPECT_EQ(origin_.request_count(), 1u);
}

TEST_F(RequestTargetTest, ARouteWithNormalizePathFalseGetsTheTargetAsSent) {
  config_.routes = {
      R"({name: raw, match: {prefix: "/raw/"}, upstream: api, normalize_path: false})",
      R"({match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());
  for (const std::string target :
       {"/raw/a%2Fb", "/raw/./x/%6c", "//raw/a%00", "/../raw/x", "/raw/s?q=\"a\"<b>"}) {
    SCOPED_TRACE(target);
    ASSERT_EQ(get(target).status, 200);
    auto received = origin_.last_request();
    ASSERT_TRUE(received);
    EXPECT_EQ(received->target, target);
  }
  // Routing still used the normalised path: "/x/../raw/y" is the raw route's.
  EXPECT_EQ(get("/x/../raw/%2F").status, 200);
  EXPECT_TRUE(is_gateway_error(get("/other/a%2Fb"), 400, "BAD_REQUEST"));
  EXPECT_TRUE(is_gateway_error(get("/raw/a#b"), 400, "BAD_REQUEST"));
}

TEST_F(RequestTargetTest, OptionsAsteriskIsAnsweredByTheGateway) {
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(client.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"));
  HttpResponse response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.header("allow").value_or("").find("GET") != std::string::npos);
  EXPECT_EQ(response.header("content-length").value_or(""), "0");
  // The connection goes on like after any answer.
  ASSERT_TRUE(client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(client.read_response().status, 200);
  EXPECT_EQ(origin_.request_count(), 1u);
}

TEST_F(RequestTargetTest, Http09RequestLineIsAnsweredAtOnce) {
  ASSERT_TRUE(start_gateway());
  expect_refused_and_closed("GET /\r\n", 400, "BAD_REQUEST");
  expect_refused_and_closed("GET /index.html\r\n", 400, "BAD_REQUEST");
  expect_refused_and_closed("GET / HTTP/1.1 extra\r\n", 400, "BAD_REQUEST");
  expect_refused_and_closed("GET  / HTTP/1.1\r\n", 400, "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(RequestTargetTest, UnsupportedVersionsAre505) {
  ASSERT_TRUE(start_gateway());
  expect_refused_and_closed("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
  expect_refused_and_closed("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
  expect_refused_and_closed("GET / HTTP/0.9\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
  expect_refused_and_closed("GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST");
  expect_refused_and_closed("GET / http/1.1\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(RequestTargetTest, UnknownMethodIs501) {
  ASSERT_TRUE(start_gateway());
  expect_refused_and_closed("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501, "NOT_IMPLEMENTED");
  expect_refused_and_closed("CONNECT victim.com:443 HTTP/1.1\r\nHost: victim.com:443\r\n\r\n", 501,
                            "NOT_IMPLEMENTED");
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(RequestTargetTest, TransferEncodingOtherThanChunkedIs501AndCloses) {
  ASSERT_TRUE(start_gateway());
  const std::string body = "5\r\nhello\r\n0\r\n\r\n";
  for (const std::string coding :
       {"gzip, chunked", "identity, chunked", "chunked;param", "chunked; q=1", "gzip", "br",
        "chunked, chunked", "x-unknown", "chunked,", ", chunked"}) {
    SCOPED_TRACE(coding);
    expect_refused_and_closed(
        "POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + "\r\n\r\n" + body, 501,
        "NOT_IMPLEMENTED");
  }
  expect_refused_and_closed(
      "POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n" +
          body,
      501, "NOT_IMPLEMENTED");
  EXPECT_EQ(origin_.request_count(), 0u);
  // Exactly chunked, in any case, is the one coding accepted.
  HttpConnection client(port());
  ASSERT_TRUE(
      client.send("POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n" + body));
  EXPECT_EQ(client.read_response().status, 200);
  auto received = origin_.last_request("/te");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body, "hello");
}

TEST_F(RequestTargetTest, Http10WithTransferEncodingIs400AndCloses) {
  ASSERT_TRUE(start_gateway());
  expect_refused_and_closed(
      "POST /te HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      400, "BAD_REQUEST");
  EXPECT_EQ(origin_.request_count(), 0u);
}

}  // namespace
}  // namespace itest
