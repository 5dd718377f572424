// What reaches the upstream and what comes back: pass-through, forwarding and
// tracing headers, hop-by-hop fields, request ids, client address, keep-alive.
#include <regex>

#include "gateway_fixture.h"

namespace itest {
namespace {

using ProxyingTest = GatewayTest;

const std::regex kTraceparent("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");

std::string trace_id_of(const std::string& traceparent) { return traceparent.substr(3, 32); }
std::string parent_id_of(const std::string& traceparent) { return traceparent.substr(36, 16); }

TEST_F(ProxyingTest, GetPassesThroughStatusHeadersAndBody) {
  origin_.on("/hello", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(201, "hello from origin");
    reply.headers.emplace_back("X-Origin-Marker", "yes");
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/hello?x=1&y=2");
  EXPECT_EQ(response.status, 201) << response.error;
  EXPECT_EQ(response.body, "hello from origin");
  EXPECT_EQ(response.header("x-origin-marker").value_or("(absent)"), "yes");
  EXPECT_EQ(response.header("content-type").value_or("(absent)"), "text/plain");

  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->method, "GET");
  EXPECT_EQ(received->target, "/hello?x=1&y=2");
  EXPECT_EQ(received->version, "HTTP/1.1");
  EXPECT_EQ(origin_.request_count(), 1u);
}

TEST_F(ProxyingTest, UpstreamSeesForwardingAndTracingHeaders) {
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/echo", {{"Host", "api.example.test"}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);

  EXPECT_EQ(received->header("host").value_or("(absent)"),
            "api.example.test");  // the client's Host is kept
  EXPECT_EQ(find_headers(received->headers, "host").size(), 1u);
  EXPECT_EQ(received->header("x-forwarded-for").value_or("(absent)"), "127.0.0.1");
  EXPECT_EQ(received->header("x-forwarded-proto").value_or("(absent)"), "http");
  EXPECT_EQ(received->header("x-forwarded-host").value_or("(absent)"), "api.example.test");
  EXPECT_TRUE(icontains(received->header("via").value_or(""), "centinela"))
      << "Via: " << received->header("via").value_or("(absent)");

  std::string request_id = response.header("x-request-id").value_or("");
  EXPECT_FALSE(request_id.empty());
  EXPECT_EQ(received->header("x-request-id"), request_id);

  std::string traceparent = received->header("traceparent").value_or("");
  ASSERT_TRUE(std::regex_match(traceparent, kTraceparent)) << "traceparent: " << traceparent;
  EXPECT_NE(trace_id_of(traceparent), std::string(32, '0'));
  EXPECT_NE(parent_id_of(traceparent), std::string(16, '0'));
}

TEST_F(ProxyingTest, EachRequestGetsItsOwnRequestIdAndTrace) {
  ASSERT_TRUE(start_gateway());
  HttpResponse first = get("/one");
  HttpResponse second = get("/two");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(first.header("x-request-id"), second.header("x-request-id"));
  std::vector<ReceivedRequest> received = origin_.requests();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_NE(trace_id_of(received[0].header("traceparent").value_or("")),
            trace_id_of(received[1].header("traceparent").value_or("")));
}

TEST_F(ProxyingTest, HopByHopRequestHeadersAreNotForwarded) {
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/echo", {{"Connection", "keep-alive, X-Custom-Hop"},
                                        {"Keep-Alive", "timeout=5, max=100"},
                                        {"Proxy-Connection", "keep-alive"},
                                        {"TE", "deflate"},
                                        {"Upgrade", "example/1"},
                                        {"X-Custom-Hop", "must-not-pass"},
                                        {"X-End-To-End", "must-pass"}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);

  EXPECT_FALSE(received->header("keep-alive")) << *received->header("keep-alive");
  EXPECT_FALSE(received->header("proxy-connection"));
  EXPECT_FALSE(received->header("upgrade"));
  EXPECT_FALSE(received->header("x-custom-hop"));
  // The gateway may send its own Connection / TE to the upstream, never the client's.
  EXPECT_FALSE(header_has_token(received->headers, "connection", "x-custom-hop"));
  EXPECT_FALSE(header_has_token(received->headers, "te", "deflate"));
  EXPECT_EQ(received->header("x-end-to-end").value_or("(absent)"), "must-pass");
}

TEST_F(ProxyingTest, HopByHopResponseHeadersAreNotRelayed) {
  origin_.on("/hop", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "ok");
    reply.headers.emplace_back("Connection", "X-Origin-Hop");
    reply.headers.emplace_back("X-Origin-Hop", "must-not-pass");
    reply.headers.emplace_back("Keep-Alive", "timeout=99");
    reply.headers.emplace_back("X-End-To-End", "must-pass");
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/hop");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_FALSE(response.header("x-origin-hop"));
  EXPECT_FALSE(header_has_token(response.headers, "connection", "x-origin-hop"));
  EXPECT_NE(response.header("keep-alive").value_or("(absent)"), "timeout=99");
  EXPECT_EQ(response.header("x-end-to-end").value_or("(absent)"), "must-pass");
  EXPECT_EQ(response.body, "ok");
}

TEST_F(ProxyingTest, SaneIncomingRequestIdIsKept) {
  ASSERT_TRUE(start_gateway());
  const std::string id = "client-id_123.abc-XYZ";
  HttpResponse response = get("/echo", {{"X-Request-ID", id}});
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.header("x-request-id"), id);
  EXPECT_EQ(find_headers(response.headers, "x-request-id").size(), 1u);
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("x-request-id"), id);
  EXPECT_EQ(find_headers(received->headers, "x-request-id").size(), 1u);
}

TEST_F(ProxyingTest, InsaneIncomingRequestIdIsReplaced) {
  ASSERT_TRUE(start_gateway());
  for (const std::string& insane : {std::string("bad id with spaces"), std::string(300, 'a'),
                                    std::string("quote\"and<angle>")}) {
    SCOPED_TRACE("incoming X-Request-ID: " + insane.substr(0, 40));
    HttpResponse response = get("/echo", {{"X-Request-ID", insane}});
    ASSERT_EQ(response.status, 200) << response.error;
    std::string id = response.header("x-request-id").value_or("");
    EXPECT_FALSE(id.empty());
    EXPECT_NE(id, insane);
    EXPECT_EQ(id.find(' '), std::string::npos);
    EXPECT_LT(id.size(), 300u);
    auto received = origin_.last_request();
    ASSERT_TRUE(received);
    EXPECT_EQ(received->header("x-request-id"), id);
  }
}

TEST_F(ProxyingTest, ValidTraceparentKeepsTraceIdWithNewParent) {
  ASSERT_TRUE(start_gateway());
  const std::string incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  HttpResponse response = get("/echo", {{"traceparent", incoming}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  std::string traceparent = received->header("traceparent").value_or("");
  ASSERT_TRUE(std::regex_match(traceparent, kTraceparent)) << traceparent;
  EXPECT_EQ(trace_id_of(traceparent), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_NE(parent_id_of(traceparent), "b7ad6b7169203331");
  EXPECT_EQ(find_headers(received->headers, "traceparent").size(), 1u);
}

TEST_F(ProxyingTest, InvalidTraceparentStartsANewTrace) {
  ASSERT_TRUE(start_gateway());
  for (const std::string& invalid :
       {std::string("garbage"),
        std::string("00-00000000000000000000000000000000-b7ad6b7169203331-01"),
        std::string("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"),
        std::string("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")}) {
    SCOPED_TRACE("incoming traceparent: " + invalid);
    HttpResponse response = get("/echo", {{"traceparent", invalid}});
    ASSERT_EQ(response.status, 200) << response.error;
    auto received = origin_.last_request();
    ASSERT_TRUE(received);
    std::string traceparent = received->header("traceparent").value_or("");
    EXPECT_TRUE(std::regex_match(traceparent, kTraceparent)) << traceparent;
    EXPECT_NE(traceparent, invalid);
    EXPECT_NE(trace_id_of(traceparent), std::string(32, '0'));
    EXPECT_NE(trace_id_of(traceparent), "0af7651916cd43dd8448eb211c80319c");
  }
}

TEST_F(ProxyingTest, ForwardedHeadersFromUntrustedPeerAreReplaced) {
  config_.trusted_proxies = {"10.0.0.0/8"};  // 127.0.0.1 is not trusted
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/xff-untrusted", {{"Host", "real.example.test"},
                                                 {"X-Forwarded-For", "203.0.113.7"},
                                                 {"X-Forwarded-Proto", "https"},
                                                 {"X-Forwarded-Host", "spoofed.example.test"}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(find_headers(received->headers, "x-forwarded-for"),
            std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(received->header("x-forwarded-proto").value_or("(absent)"), "http");
  EXPECT_EQ(received->header("x-forwarded-host").value_or("(absent)"), "real.example.test");

  auto entry = wait_for_access_log(
      [](const JsonValue& line) { return line.string_at("path") == "/xff-untrusted"; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("client_ip"), "127.0.0.1");
}

TEST_F(ProxyingTest, ForwardedForFromTrustedPeerIsAppended) {
  config_.trusted_proxies = {"127.0.0.1/32"};
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/xff-trusted", {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(find_headers(received->headers, "x-forwarded-for"),
            std::vector<std::string>{"203.0.113.7, 127.0.0.1"});

  auto entry = wait_for_access_log(
      [](const JsonValue& line) { return line.string_at("path") == "/xff-trusted"; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("client_ip"), "203.0.113.7");
}

TEST_F(ProxyingTest, NoMatchingRouteAnswers404Json) {
  config_.routes = {R"({match: {prefix: "/api/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/not-routed");
  EXPECT_TRUE(is_gateway_error(response, 404, "NOT_FOUND"));
  EXPECT_EQ(origin_.request_count(), 0u);
  EXPECT_EQ(get("/api/routed").status, 200);
}

TEST_F(ProxyingTest, KeepAliveClientReusesUpstreamConnections) {
  ASSERT_TRUE(start_gateway());

  HttpConnection client(port());
  ASSERT_TRUE(client.connected()) << client.error();
  for (int i = 0; i < 20; ++i) {
    std::string target = "/keepalive/" + std::to_string(i);
    ASSERT_TRUE(client.send(build_request("GET", target))) << client.error();
    HttpResponse response = client.read_response();
    ASSERT_EQ(response.status, 200) << "request " << i << ": " << response.error;
    auto echo = parse_json(response.body);
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->string_at("target"), target);
  }
  EXPECT_EQ(origin_.request_count(), 20u);
  EXPECT_LE(origin_.connections_accepted(), 2u);
}

}  // namespace
}  // namespace itest
