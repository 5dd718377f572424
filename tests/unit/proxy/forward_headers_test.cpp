#include "proxy/forward_headers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stage/arena.h"
#include "stage/upstream_request.h"

namespace centinela::proxy {
namespace {

// Every value of field `name`, in order.
std::vector<std::string> values(const http::fields& fields, std::string_view name) {
  std::vector<std::string> out;
  auto [first, last] = fields.equal_range(name);
  for (auto it = first; it != last; ++it) out.emplace_back(it->value());
  return out;
}

bool has(const http::fields& fields, std::string_view name) {
  return fields.find(name) != fields.end();
}

RequestHead request(std::initializer_list<std::pair<const char*, const char*>> fields) {
  RequestHead head;
  head.method(http::verb::get);
  head.target("/");
  head.version(11);
  for (const auto& [name, value] : fields) head.insert(name, value);
  return head;
}

ForwardingInfo untrusted_peer() {
  ForwardingInfo info;
  info.peer_ip = "203.0.113.7";
  info.peer_is_trusted = false;
  info.proto = "http";
  info.request_id = "req-1";
  info.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  return info;
}

ForwardingInfo trusted_peer() {
  ForwardingInfo info = untrusted_peer();
  info.peer_ip = "10.0.0.2";
  info.peer_is_trusted = true;
  return info;
}

// The head append_upstream_head writes, read back into fields (the request
// line's version included).
RequestHead forwarded(const RequestHead& head, const ForwardingInfo& info) {
  stage::Arena arena;
  stage::UpstreamRequest none(arena);
  std::string out;
  append_upstream_head(head, none, info, out);
  RequestHead sent;
  std::string_view rest = out;
  const std::string_view line = rest.substr(0, rest.find("\r\n"));
  sent.method_string(line.substr(0, line.find(' ')));
  sent.target(line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1));
  sent.version(line.ends_with("HTTP/1.1") ? 11 : 10);
  rest.remove_prefix(line.size() + 2);
  while (!rest.empty()) {
    const std::string_view field = rest.substr(0, rest.find("\r\n"));
    const auto colon = field.find(": ");
    sent.insert(field.substr(0, colon), field.substr(colon + 2));
    rest.remove_prefix(field.size() + 2);
  }
  return sent;
}

// --- strip_hop_by_hop -------------------------------------------------------

TEST(StripHopByHop, RemovesTheStandardHopByHopFields) {
  RequestHead head = request({{"Connection", "keep-alive"},
                              {"Keep-Alive", "timeout=5"},
                              {"Proxy-Connection", "keep-alive"},
                              {"TE", "trailers"},
                              {"Trailer", "X-Checksum"},
                              {"Transfer-Encoding", "chunked"},
                              {"Upgrade", "websocket"},
                              {"Proxy-Authenticate", "Basic"},
                              {"Accept", "*/*"}});
  strip_hop_by_hop(head);
  for (const char* name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer",
                           "Transfer-Encoding", "Upgrade", "Proxy-Authenticate"}) {
    EXPECT_FALSE(has(head, name)) << name;
  }
  EXPECT_EQ(values(head, "Accept"), std::vector<std::string>{"*/*"});
}

TEST(StripHopByHop, RemovesFieldsNamedInConnection) {
  RequestHead head = request({{"Connection", "X-Secret, x-other ,close"},
                              {"X-Secret", "1"},
                              {"X-Other", "2"},
                              {"X-Other", "3"},
                              {"X-Kept", "4"}});
  strip_hop_by_hop(head);
  EXPECT_FALSE(has(head, "X-Secret"));
  EXPECT_FALSE(has(head, "X-Other"));  // every line of it, any case
  EXPECT_EQ(values(head, "X-Kept"), std::vector<std::string>{"4"});
}

TEST(StripHopByHop, HonoursEveryConnectionLine) {
  RequestHead head = request({{"Connection", "X-A"},
                              {"X-A", "1"},
                              {"X-B", "2"},
                              {"Connection", "X-B, keep-alive"},
                              {"X-C", "3"}});
  strip_hop_by_hop(head);
  EXPECT_FALSE(has(head, "X-A"));
  EXPECT_FALSE(has(head, "X-B"));
  EXPECT_FALSE(has(head, "Connection"));
  EXPECT_TRUE(has(head, "X-C"));
}

TEST(StripHopByHop, LeavesEndToEndFieldsAlone) {
  RequestHead head =
      request({{"Host", "a.example"}, {"Authorization", "Bearer t"}, {"Content-Length", "3"}});
  strip_hop_by_hop(head);
  EXPECT_TRUE(has(head, "Host"));
  EXPECT_TRUE(has(head, "Authorization"));
  EXPECT_TRUE(has(head, "Content-Length"));
}

TEST(StripHopByHop, ConnectionCannotRemoveHostFramingOrTheGatewaysFields) {
  RequestHead head =
      request({{"Connection", "close, host, Content-Length, transfer-encoding"},
               {"Connection", "X-Forwarded-For, x-forwarded-proto, X-Forwarded-Host"},
               {"Connection", "via, x-request-id, traceparent, tracestate, forwarded"},
               {"Connection", "connection, X-Private"},
               {"Host", "a.example"},
               {"Content-Length", "3"},
               {"X-Forwarded-For", "10.0.0.1"},
               {"X-Forwarded-Proto", "https"},
               {"X-Forwarded-Host", "b.example"},
               {"Via", "1.1 edge"},
               {"X-Request-ID", "abc"},
               {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
               {"tracestate", "a=b"},
               {"Forwarded", "for=10.0.0.1"},
               {"X-Private", "1"}});
  strip_hop_by_hop(head);
  for (const char* name :
       {"Host", "Content-Length", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Via",
        "X-Request-ID", "traceparent", "tracestate", "Forwarded"}) {
    EXPECT_TRUE(has(head, name)) << name;
  }
  EXPECT_FALSE(has(head, "X-Private"));
  EXPECT_FALSE(has(head, "Connection"));
}

TEST(StripHopByHop, AResponseConnectionCannotRemoveItsFramingOrRequestId) {
  ResponseHead head;
  head.result(200);
  head.insert("Connection", "content-length, x-request-id, x-debug");
  head.insert("Content-Length", "11");
  head.insert("X-Request-ID", "abc");
  head.insert("X-Debug", "1");
  strip_hop_by_hop(head);
  EXPECT_EQ(values(head, "Content-Length"), std::vector<std::string>{"11"});
  EXPECT_EQ(values(head, "X-Request-ID"), std::vector<std::string>{"abc"});
  EXPECT_FALSE(has(head, "X-Debug"));
}

TEST(StripHopByHop, ANominatedFieldRightAfterConnectionIsRemovedSafely) {
  // The field following the Connection lines is erased while they are read.
  RequestHead head = request({{"Connection", "keep-alive, x-a"},
                              {"Connection", "x-b"},
                              {"Keep-Alive", "timeout=5"},
                              {"X-A", "1"},
                              {"X-B", "2"},
                              {"X-C", "3"}});
  strip_hop_by_hop(head);
  EXPECT_FALSE(has(head, "Keep-Alive"));
  EXPECT_FALSE(has(head, "X-A"));
  EXPECT_FALSE(has(head, "X-B"));
  EXPECT_TRUE(has(head, "X-C"));
}

TEST(StripHopByHop, ProxyConnectionIsRemovedButNominatesNothing) {
  RequestHead head = request({{"Proxy-Connection", "x-a"}, {"X-A", "1"}});
  strip_hop_by_hop(head);
  EXPECT_FALSE(has(head, "Proxy-Connection"));
  EXPECT_TRUE(has(head, "X-A"));
}

// --- append_upstream_head: X-Forwarded-For ----------------------------------

TEST(AppendUpstreamHead, UntrustedPeerReplacesXForwardedFor) {
  RequestHead head = request({{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-For", "5.6.7.8"}});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-For"), std::vector<std::string>{"203.0.113.7"});
}

TEST(AppendUpstreamHead, UntrustedPeerWithoutXForwardedForGetsOne) {
  RequestHead head = request({});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-For"), std::vector<std::string>{"203.0.113.7"});
}

TEST(AppendUpstreamHead, TrustedPeerAppendsToXForwardedFor) {
  RequestHead head = request({{"X-Forwarded-For", "1.2.3.4"}});
  head = forwarded(head, trusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-For"), std::vector<std::string>{"1.2.3.4, 10.0.0.2"});
}

TEST(AppendUpstreamHead, TrustedPeerJoinsSeveralXForwardedForLinesInOrder) {
  RequestHead head = request(
      {{"X-Forwarded-For", "1.1.1.1, 2.2.2.2"}, {"Accept", "*/*"}, {"x-forwarded-for", "3.3.3.3"}});
  head = forwarded(head, trusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-For"),
            std::vector<std::string>{"1.1.1.1, 2.2.2.2, 3.3.3.3, 10.0.0.2"});
}

TEST(AppendUpstreamHead, TrustedPeerWithoutXForwardedForStartsTheList) {
  RequestHead head = request({});
  head = forwarded(head, trusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-For"), std::vector<std::string>{"10.0.0.2"});
}

// --- X-Forwarded-Proto / X-Forwarded-Host ----------------------------------

TEST(AppendUpstreamHead, UntrustedPeerGetsItsProtoAndHostOverwritten) {
  RequestHead head = request({{"Host", "shop.example"},
                              {"X-Forwarded-Proto", "https"},
                              {"X-Forwarded-Host", "evil.example"}});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-Proto"), std::vector<std::string>{"http"});
  EXPECT_EQ(values(head, "X-Forwarded-Host"), std::vector<std::string>{"shop.example"});
}

TEST(AppendUpstreamHead, TrustedPeerKeepsItsProtoAndHost) {
  RequestHead head = request({{"Host", "internal:8080"},
                              {"X-Forwarded-Proto", "https"},
                              {"X-Forwarded-Host", "shop.example"}});
  head = forwarded(head, trusted_peer());
  EXPECT_EQ(values(head, "X-Forwarded-Proto"), std::vector<std::string>{"https"});
  EXPECT_EQ(values(head, "X-Forwarded-Host"), std::vector<std::string>{"shop.example"});
}

TEST(AppendUpstreamHead, TrustedPeerWithoutForwardedFieldsGetsOurs) {
  RequestHead head = request({{"Host", "shop.example"}});
  ForwardingInfo info = trusted_peer();
  info.proto = "https";
  head = forwarded(head, info);
  EXPECT_EQ(values(head, "X-Forwarded-Proto"), std::vector<std::string>{"https"});
  EXPECT_EQ(values(head, "X-Forwarded-Host"), std::vector<std::string>{"shop.example"});
}

TEST(AppendUpstreamHead, NoHostMeansNoXForwardedHostFromUntrustedPeer) {
  RequestHead head = request({{"X-Forwarded-Host", "evil.example"}});
  head.version(10);
  head = forwarded(head, untrusted_peer());
  EXPECT_FALSE(has(head, "X-Forwarded-Host"));
}

// --- Host --------------------------------------------------------------------

TEST(AppendUpstreamHead, ClientHostIsKeptByDefault) {
  RequestHead head = request({{"Host", "shop.example"}});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "Host"), std::vector<std::string>{"shop.example"});
}

TEST(AppendUpstreamHead, HostOverrideReplacesHostButNotXForwardedHost) {
  RequestHead head = request({{"Host", "shop.example"}});
  ForwardingInfo info = untrusted_peer();
  info.host_override = "backend.internal";
  head = forwarded(head, info);
  EXPECT_EQ(values(head, "Host"), std::vector<std::string>{"backend.internal"});
  EXPECT_EQ(values(head, "X-Forwarded-Host"), std::vector<std::string>{"shop.example"});
}

// --- Via, ids, trace context, version ----------------------------------------

TEST(AppendUpstreamHead, ViaIsCreated) {
  RequestHead head = request({});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "Via"), std::vector<std::string>{"1.1 centinela"});
}

TEST(AppendUpstreamHead, ViaIsAppendedTo) {
  RequestHead head = request({{"Via", "1.0 edge"}});
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(values(head, "Via"), std::vector<std::string>{"1.0 edge, 1.1 centinela"});
}

// RFC 9110 §7.6.3: each recipient appends to Via; earlier hops must not be lost.
TEST(AppendUpstreamHead, ViaKeepsEveryEarlierLine) {
  RequestHead head = request({{"Via", "1.0 edge"}, {"Via", "1.1 lb"}});
  head = forwarded(head, untrusted_peer());
  std::string all;
  for (const std::string& v : values(head, "Via")) all += (all.empty() ? "" : ", ") + v;
  EXPECT_EQ(all, "1.0 edge, 1.1 lb, 1.1 centinela");
}

TEST(AppendUpstreamHead, RequestIdAndTraceparentAreSet) {
  RequestHead head =
      request({{"X-Request-ID", "client-chosen"},
               {"traceparent", "00-ffffffffffffffffffffffffffffffff-1111111111111111-00"},
               {"tracestate", "vendor=abc"}});
  const ForwardingInfo info = untrusted_peer();
  head = forwarded(head, info);
  EXPECT_EQ(values(head, "X-Request-ID"), std::vector<std::string>{"req-1"});
  EXPECT_EQ(values(head, "traceparent"), std::vector<std::string>{std::string(info.traceparent)});
  EXPECT_EQ(values(head, "tracestate"), std::vector<std::string>{"vendor=abc"});
}

TEST(AppendUpstreamHead, HopByHopFieldsStrippedAtIntakeStayOut) {
  RequestHead head = request({{"Connection", "close, X-Private"},
                              {"X-Private", "1"},
                              {"Upgrade", "h2c"},
                              {"TE", "trailers"}});
  strip_hop_by_hop(head);
  head = forwarded(head, untrusted_peer());
  EXPECT_FALSE(has(head, "Connection"));
  EXPECT_FALSE(has(head, "X-Private"));
  EXPECT_FALSE(has(head, "Upgrade"));
  EXPECT_FALSE(has(head, "TE"));
}

TEST(AppendUpstreamHead, UpstreamRequestIsHttp11) {
  RequestHead head = request({});
  head.version(10);
  head = forwarded(head, untrusted_peer());
  EXPECT_EQ(head.version(), 11u);
}

// --- an upstream response's head --------------------------------------------

TEST(StripHopByHop, AnUpstreamResponseLosesItsHopByHopFields) {
  ResponseHead head;
  head.result(http::status::ok);
  head.insert("X-Request-ID", "from-upstream");
  head.insert("Connection", "X-Internal");
  head.insert("X-Internal", "1");
  head.insert("Keep-Alive", "timeout=5");
  head.insert("Transfer-Encoding", "chunked");
  head.insert("Content-Type", "text/plain");
  strip_hop_by_hop(head);
  // (The pipeline then sets the gateway's own X-Request-ID.)
  EXPECT_EQ(values(head, "X-Request-ID"), std::vector<std::string>{"from-upstream"});
  EXPECT_FALSE(has(head, "Connection"));
  EXPECT_FALSE(has(head, "X-Internal"));
  EXPECT_FALSE(has(head, "Keep-Alive"));
  EXPECT_FALSE(has(head, "Transfer-Encoding"));
  EXPECT_EQ(values(head, "Content-Type"), std::vector<std::string>{"text/plain"});
}

// --- append_upstream_head ------------------------------------------------

std::string upstream_head(const RequestHead& head, const ForwardingInfo& info,
                          const stage::UpstreamRequest* edits = nullptr) {
  stage::Arena arena;
  stage::UpstreamRequest none(arena);
  std::string out;
  append_upstream_head(head, edits != nullptr ? *edits : none, info, out);
  return out;
}

TEST(AppendUpstreamHead, ClientFieldsThenForwardingFields) {
  RequestHead head = request({{"Host", "example.com"}, {"Accept", "*/*"}});
  EXPECT_EQ(upstream_head(head, untrusted_peer()),
            "GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n"
            "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: http\r\n"
            "X-Forwarded-Host: example.com\r\nVia: 1.1 centinela\r\nX-Request-ID: req-1\r\n"
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n");
}

TEST(AppendUpstreamHead, FramingExpectAndForwardingFieldsOfTheClientAreNotCopied) {
  RequestHead head = request({{"Host", "h"},
                              {"Content-Length", "5"},
                              {"Expect", "100-continue"},
                              {"X-Forwarded-For", "1.2.3.4"},
                              {"X-Forwarded-Proto", "https"},
                              {"X-Forwarded-Host", "evil"},
                              {"X-Request-ID", "client-id"},
                              {"traceparent", "00-forged"},
                              {"Via", "1.0 earlier"}});
  const std::string out = upstream_head(head, untrusted_peer());
  for (std::string_view line :
       {"Content-Length", "Expect", "1.2.3.4", "https", "evil", "client-id", "forged"}) {
    EXPECT_EQ(out.find(line), std::string::npos) << line;
  }
  // Every earlier hop stays in Via, whoever reports it.
  EXPECT_NE(out.find("Via: 1.0 earlier, 1.1 centinela\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Forwarded-For: 203.0.113.7\r\n"), std::string::npos) << out;
}

TEST(AppendUpstreamHead, TrustedPeerKeepsItsForwardingFields) {
  RequestHead head = request({{"Host", "h"},
                              {"X-Forwarded-For", "1.2.3.4"},
                              {"X-Forwarded-For", "5.6.7.8"},
                              {"X-Forwarded-Proto", "https"},
                              {"X-Forwarded-Host", "public.example"}});
  const std::string out = upstream_head(head, trusted_peer());
  EXPECT_NE(out.find("X-Forwarded-For: 1.2.3.4, 5.6.7.8, 10.0.0.2\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Forwarded-Proto: https\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Forwarded-Host: public.example\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-Forwarded-Proto: http\r\n"), std::string::npos) << out;
}

TEST(AppendUpstreamHead, HostOverrideReplacesHostButNotForwardedHost) {
  RequestHead head = request({{"Host", "client.example"}});
  ForwardingInfo info = untrusted_peer();
  info.host_override = "backend.internal";
  const std::string out = upstream_head(head, info);
  EXPECT_NE(out.find("\r\nHost: backend.internal\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("\r\nHost: client.example\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Forwarded-Host: client.example\r\n"), std::string::npos) << out;
}

TEST(AppendUpstreamHead, StagesEditsApplyWithoutTouchingTheClientsRequest) {
  RequestHead head = request({{"Host", "h"},
                              {"Accept-Encoding", "gzip"},
                              {"If-None-Match", "\"client\""},
                              {"X-Host", "evil"}});
  head.target("/original?q=1");
  stage::Arena arena;
  stage::UpstreamRequest edits(arena);
  edits.remove("accept-encoding");
  edits.remove("X-Host");
  edits.set("If-None-Match", "\"stored\"");
  edits.set_method("GET");
  edits.set_target("/rewritten");
  std::string out;
  append_upstream_head(head, edits, untrusted_peer(), out);
  EXPECT_TRUE(out.starts_with("GET /rewritten HTTP/1.1\r\nHost: h\r\n")) << out;
  EXPECT_EQ(out.find("gzip"), std::string::npos) << out;
  EXPECT_EQ(out.find("evil"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"client\""), std::string::npos) << out;
  EXPECT_NE(out.find("If-None-Match: \"stored\"\r\n"), std::string::npos) << out;
  // The client's request is as it was.
  EXPECT_EQ(values(head, "Accept-Encoding"), std::vector<std::string>{"gzip"});
  EXPECT_EQ(head.target(), "/original?q=1");
}

}  // namespace
}  // namespace centinela::proxy
