// Host as the gateway routes, keys and forwards it: a Host that is not
// uri-host [":" port] is refused, what the cache keys is exactly what the
// upstream receives (port included), Connection cannot remove Host or the
// fields the gateway writes, HTTP/1.0 without Host is forwarded with one,
// and an absolute-form target's authority replaces Host.
#include "cache_fixture.h"

namespace itest {
namespace {

class HostHeaderTest : public CacheTest {
 protected:
  // Sends `bytes` on a fresh connection and reads one response.
  HttpResponse exchange(const std::string& bytes) {
    HttpConnection client(port());
    HttpResponse response;
    if (!client.send(bytes)) {
      response.error = "send: " + client.error();
      return response;
    }
    return client.read_response();
  }
};

// An origin that builds absolute redirects from Host, as many frameworks do.
OriginReply redirect_from_host(const ReceivedRequest& request) {
  OriginReply reply = OriginReply::text(302, "moved");
  reply.headers.emplace_back("Location",
                             "http://" + request.header("host").value_or("") + "/login");
  reply.headers.emplace_back("Cache-Control", "max-age=60");
  return reply;
}

// Reflects the Host the origin received into a cacheable body.
OriginReply host_page(const ReceivedRequest& request) {
  return reply_with("host=" + request.header("host").value_or("(none)"), "max-age=60");
}

TEST_F(HostHeaderTest, HostWithUserinfoCannotPoisonTheCacheWithARedirect) {
  cache_route("{}");
  origin_.on("/go", redirect_from_host);
  ASSERT_TRUE(start_with());

  HttpResponse attack = get("/go", {{"Host", "victim.com:@evil.com"}});
  EXPECT_TRUE(is_gateway_error(attack, 400, "BAD_REQUEST"));

  HttpResponse victim = get("/go", {{"Host", "victim.com"}});
  EXPECT_EQ(victim.status, 302);
  EXPECT_EQ(victim.header("location").value_or(""), "http://victim.com/login")
      << "victim.com's entry redirects elsewhere";
  EXPECT_EQ(origin_.request_count("/go"), 1u);
}

TEST_F(HostHeaderTest, HostsThatAreNotUriHostAndPortAre400) {
  ASSERT_TRUE(start_gateway());
  const std::vector<std::string> bad = {
      "victim.com:@evil.com",
      "user@victim.com",
      "victim.com evil.com",
      "victim.com:80:80",
      "victim.com:",
      "victim.com:8o",
      "victim.com:123456",
      "victim.com:65536",
      "vic\x01tim.com",
      "victim.com/x",
      "victim.com\\x",
      "[::1",
      "[::1]x",
      "[zz::1]:80",
      "[::1]:",
      ":80",
      "victim..com",
      ".",
      "victim.com%2f",
      "a,b.com",
  };
  for (const std::string& host : bad) {
    SCOPED_TRACE("Host: " + host);
    EXPECT_TRUE(is_gateway_error(get("/bad-host", {{"Host", host}}), 400, "BAD_REQUEST"));
  }
  EXPECT_EQ(origin_.request_count("/bad-host"), 0u);
  for (const std::string host : {"victim.com", "victim.com:8443", "[::1]:8080", "10.0.0.1:80",
                                 "under_score-dash.example~1"}) {
    SCOPED_TRACE("Host: " + host);
    EXPECT_EQ(get("/good-host", {{"Host", host}}).status, 200);
  }
}

TEST_F(HostHeaderTest, EmptyHostIs400OnEitherVersion) {
  ASSERT_TRUE(start_gateway());
  EXPECT_TRUE(is_gateway_error(exchange("GET /e HTTP/1.1\r\nHost: \r\n\r\n"), 400, "BAD_REQUEST"));
  EXPECT_TRUE(is_gateway_error(exchange("GET /e HTTP/1.0\r\nHost:\r\n\r\n"), 400, "BAD_REQUEST"));
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(HostHeaderTest, PortIsKeyedAndForwardedExactlyAsKeyed) {
  cache_route("{}");
  origin_.on("/page", host_page);
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/page", {{"Host", "victim.com:8443"}}).body, "host=victim.com:8443");
  HttpResponse plain = get("/page", {{"Host", "victim.com"}});
  EXPECT_EQ(plain.body, "host=victim.com") << "the entry for port 8443 was served for port 80";
  // Case, a trailing dot and leading zeros in the port are normalised, and the
  // upstream is told the normalised form: the same entry.
  HttpResponse upper = get("/page", {{"Host", "VICTIM.Com:08443"}});
  EXPECT_EQ(upper.body, "host=victim.com:8443");
  EXPECT_EQ(x_cache(upper), "HIT");
  HttpResponse dotted = get("/page", {{"Host", "Victim.com."}});
  EXPECT_EQ(dotted.body, "host=victim.com");
  EXPECT_EQ(x_cache(dotted), "HIT");
  EXPECT_EQ(origin_.request_count("/page"), 2u);
}

TEST_F(HostHeaderTest, ForwardedHostIsTheNormalisedOne) {
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/fwd", {{"Host", "Api.Example.TEST."}}).status, 200);
  auto received = origin_.last_request("/fwd");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("host").value_or(""), "api.example.test");
  EXPECT_EQ(received->header("x-forwarded-host").value_or(""), "api.example.test");
}

TEST_F(HostHeaderTest, ConnectionCannotNominateHostOrTheGatewaysFields) {
  cache_route("{}");
  origin_.on("/page", host_page);
  ASSERT_TRUE(start_with());

  HttpResponse nominated =
      get("/page", {{"Host", "victim.com"},
                    {"Connection", "close, host, x-forwarded-for, via, x-request-id, traceparent"},
                    {"X-Request-ID", "req-12345678"}});
  EXPECT_EQ(nominated.body, "host=victim.com") << "the upstream got no Host";
  auto received = origin_.last_request("/page");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("host").value_or("(none)"), "victim.com");
  EXPECT_TRUE(received->header("x-forwarded-for"));
  EXPECT_TRUE(received->header("via"));
  EXPECT_EQ(received->header("x-request-id").value_or(""), "req-12345678");
  EXPECT_TRUE(received->header("traceparent"));

  HttpResponse normal = get("/page", {{"Host", "victim.com"}});
  EXPECT_EQ(normal.body, "host=victim.com");
}

TEST_F(HostHeaderTest, ConnectionCannotNominateFramingFields) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = http_request(
      port(), "POST", "/upload", {{"Connection", "content-length, transfer-encoding"}}, "hello");
  EXPECT_EQ(response.status, 200);
  auto received = origin_.last_request("/upload");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body, "hello");
}

TEST_F(HostHeaderTest, AFieldRemovedByConnectionIsNeitherForwardedNorVaried) {
  // The origin varies on Accept-Language; a client that nominates the field
  // for removal must not store a language-less answer under "fr".
  cache_route("{}");
  origin_.on("/lang", [](const ReceivedRequest& request) {
    return reply_with("lang=" + request.header("accept-language").value_or("none"), "max-age=60",
                      {{"Vary", "Accept-Language"}});
  });
  ASSERT_TRUE(start_with());

  get("/lang", {{"Accept-Language", "fr"}, {"Connection", "accept-language"}});
  HttpResponse french = get("/lang", {{"Accept-Language", "fr"}});
  EXPECT_EQ(french.body, "lang=fr") << "a French client got another language's entry";
}

TEST_F(HostHeaderTest, ResponseConnectionCannotRemoveFramingOrTheRequestId) {
  origin_.on("/resp", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "intact body");
    reply.headers.emplace_back("Connection", "content-length, x-request-id");
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/resp");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "intact body");
  EXPECT_TRUE(response.header("x-request-id"));
  EXPECT_FALSE(response.header("connection").value_or("").find("content-length") !=
               std::string::npos);
}

TEST_F(HostHeaderTest, Http10WithoutHostIsForwardedWithTheListenerAddress) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = exchange("GET /old HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  auto received = origin_.last_request("/old");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("host").value_or("(none)"), fmt::format("127.0.0.1:{}", port()));
}

TEST_F(HostHeaderTest, Http10WithoutHostGetsTheUpstreamHost) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "host: internal.example");
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(exchange("GET /old HTTP/1.0\r\n\r\n").status, 200);
  auto received = origin_.last_request("/old");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("host").value_or("(none)"), "internal.example");
}

TEST_F(HostHeaderTest, AbsoluteFormAuthorityReplacesHost) {
  cache_route("{}");
  origin_.on("/abs", host_page);
  ASSERT_TRUE(start_with());

  HttpResponse response =
      exchange("GET http://Victim.com:8443/abs?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "host=victim.com:8443");
  auto received = origin_.last_request("/abs");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->target, "/abs?q=1");
  EXPECT_EQ(received->header("host").value_or(""), "victim.com:8443");

  // The same resource in origin-form is the same entry.
  HttpResponse origin_form = get("/abs?q=1", {{"Host", "victim.com:8443"}});
  EXPECT_EQ(x_cache(origin_form), "HIT");
  // No path is "/"; an HTTP/1.0 client may use it without Host.
  EXPECT_EQ(exchange("GET http://victim.com HTTP/1.0\r\n\r\n").status, 200);
  auto root = origin_.last_request();
  ASSERT_TRUE(root);
  EXPECT_EQ(root->target, "/");
  EXPECT_EQ(root->header("host").value_or(""), "victim.com");
}

TEST_F(HostHeaderTest, BadAbsoluteFormTargetsAre400) {
  ASSERT_TRUE(start_gateway());
  for (const std::string target :
       {"http://user@victim.com/x", "http:///x", "http://victim.com:/x", "ftp://victim.com/x",
        "http://vic tim.com/x", "http//victim.com/x", "victim.com:80"}) {
    SCOPED_TRACE(target);
    EXPECT_TRUE(is_gateway_error(
        exchange("GET " + target + " HTTP/1.1\r\nHost: victim.com\r\n\r\n"), 400, "BAD_REQUEST"));
  }
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(HostHeaderTest, RoutesMatchTheNormalisedHost) {
  TestOrigin origin_b{"b"};
  config_.upstreams["b"] = upstream_yaml({origin_b.address()});
  config_.routes = {R"({name: b, match: {host: "b.example.test", prefix: "/"}, upstream: b})",
                    R"({match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());
  std::size_t expected = 0;
  for (const std::string host : {"b.example.test", "B.EXAMPLE.test.", "b.example.test:8080"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(get("/which", {{"Host", host}}).status, 200);
    EXPECT_EQ(origin_b.request_count("/which"), ++expected);
  }
  EXPECT_EQ(exchange("GET http://b.example.test./which HTTP/1.1\r\nHost: a.example\r\n\r\n").status,
            200);
  EXPECT_EQ(origin_b.request_count("/which"), ++expected);
  EXPECT_EQ(origin_.request_count("/which"), 0u);
}

}  // namespace
}  // namespace itest
