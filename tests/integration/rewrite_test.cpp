// Rewrites and header edits per route, as the origin and the client see them:
// strip_prefix and rewrite change only the path the origin receives (the
// query stays); request_headers set, add and remove fields with the
// request's variables; response_headers edit every response of the route,
// the gateway's own answers (a 429) included; a variable's value from a
// token cannot split a header line.
#include <fmt/format.h>

#include "gateway_fixture.h"

namespace itest {
namespace {

constexpr const char* kSecret = "integration-test-secret-0123456789abcdef";
// HS256 with kSecret, {"sub":"eve\r\nX-Injected: 1","exp":4102444800}.
constexpr const char* kCrlfSubToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJldmVcclxuWC1JbmplY3RlZDogMSIsImV4cCI6NDEwMjQ0NDgwMH0."
    "5KeFvC9eJ1xTAMrwQ6SHHZliZ1GSOOJ3M4Peis8loG4";

class RewriteTest : public GatewayTest {};

TEST_F(RewriteTest, StripPrefixAndRewriteChangeOnlyTheOriginsPath) {
  config_.routes = {
      R"({name: legacy, match: {prefix: "/legacy/"}, upstream: api,
          rewrite: {regex: "^/legacy/users/(\\d+)$", replacement: "/v2/users/$1"}})",
      R"({name: api, match: {prefix: "/api/"}, upstream: api, strip_prefix: true})"};
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/api/users/7?fields=name&x=1").status, 200);
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->target, "/users/7?fields=name&x=1");
  ASSERT_EQ(get("/api").status, 404) << "/api is not under the /api/ prefix";
  ASSERT_EQ(get("/api/").status, 200);
  EXPECT_EQ(origin_.last_request()->target, "/");

  ASSERT_EQ(get("/legacy/users/42?v=1").status, 200);
  EXPECT_EQ(origin_.last_request()->target, "/v2/users/42?v=1");
  ASSERT_EQ(get("/legacy/other").status, 200);
  EXPECT_EQ(origin_.last_request()->target, "/legacy/other") << "no match: unchanged";
  // Another spelling of the path is normalised before the rewrite.
  ASSERT_EQ(get("/legacy/./users/%34%32").status, 200);
  EXPECT_EQ(origin_.last_request()->target, "/v2/users/42");
}

TEST_F(RewriteTest, RequestHeadersAreSetAddedAndRemoved) {
  config_.trusted_proxies = {"127.0.0.1/32"};
  config_.routes = {R"({name: api, match: {prefix: "/"}, upstream: api,
      request_headers: {set: {X-Client: "$client_ip via $route", X-Cost: "$$5"},
                        add: {X-Tag: gateway}, remove: [Cookie, X-Debug]}})"};
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/items", {{"X-Forwarded-For", "203.0.113.5"},
                                         {"X-Client", "spoofed"},
                                         {"X-Tag", "client"},
                                         {"Cookie", "session=abc"},
                                         {"X-Debug", "1"}});
  ASSERT_EQ(response.status, 200);
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("x-client"), "203.0.113.5 via api");
  EXPECT_EQ(received->header("x-cost"), "$5");
  std::vector<std::string> tags;
  for (const auto& [name, value] : received->headers) {
    if (name == "x-tag" || name == "X-Tag") tags.push_back(value);
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"client", "gateway"}));
  EXPECT_FALSE(received->header("cookie"));
  EXPECT_FALSE(received->header("x-debug"));
}

TEST_F(RewriteTest, ResponseHeadersApplyToEveryResponseOfTheRoute) {
  origin_.on("/items", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::json(200, "{}");
    reply.headers = {{"X-Debug", "secret"}, {"X-Powered", "fastapi"}};
    return reply;
  });
  config_.routes = {R"({name: api, match: {prefix: "/"}, upstream: api,
      rate_limit: [{name: one, key: ip, limit: 1, window: 1m}],
      response_headers: {set: {X-Req: $request_id, X-Powered: centinela}, remove: [X-Debug]}})"};
  ASSERT_TRUE(start_gateway());
  HttpResponse first = get("/items");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("x-req"), first.header("x-request-id"));
  EXPECT_EQ(first.header("x-powered"), "centinela");
  EXPECT_FALSE(first.header("x-debug"));
  // The gateway's own answer carries them too.
  HttpResponse limited = get("/items");
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("x-req"), limited.header("x-request-id"));
}

TEST_F(RewriteTest, AVariableCannotSplitAHeaderLine) {
  config_.routes = {R"({name: api, match: {prefix: "/"}, upstream: api,
      request_headers: {set: {X-User: "u=$user"}},
      response_headers: {set: {X-User: "u=$user"}}})"};
  write_config_file(config_.render() + "identity:\n" +
                    fmt::format("  jwt: {{hs256_secret: \"{}\"}}\n", kSecret));
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());
  HttpResponse response = get("/me", {{"Authorization", std::string("Bearer ") + kCrlfSubToken}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(response.header("x-injected"));
  const auto sent_back = response.header("x-user").value_or("");
  EXPECT_EQ(sent_back.find_first_of("\r\n"), std::string::npos);
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_FALSE(received->header("x-injected"));
  const std::string forwarded = received->header("x-user").value_or("(none)");
  EXPECT_EQ(forwarded.find_first_of("\r\n"), std::string::npos) << forwarded;
  EXPECT_TRUE(forwarded == "u=eveX-Injected: 1" || forwarded == "u=") << forwarded;
}

// The origin chooses its answer by a field the route fills per client and
// says so with Vary: keyed by the client's request (which does not carry the
// field), one client's answer would be served to the next. Not stored.
TEST_F(RewriteTest, AVaryOnAPerClientFieldIsNotShared) {
  origin_.on("/profile", [](const ReceivedRequest& request) {
    OriginReply reply = OriginReply::text(200, "for " + request.header("x-client").value_or("?"));
    reply.headers = {{"Cache-Control", "public, max-age=60"}, {"Vary", "X-Client"}};
    return reply;
  });
  config_.trusted_proxies = {"127.0.0.1/32"};
  config_.routes = {R"({name: api, match: {prefix: "/"}, upstream: api, cache: {},
      request_headers: {set: {X-Client: $client_ip}}})"};
  ASSERT_TRUE(start_gateway());
  HttpResponse first = get("/profile", {{"X-Forwarded-For", "203.0.113.1"}});
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "for 203.0.113.1");
  HttpResponse second = get("/profile", {{"X-Forwarded-For", "203.0.113.2"}});
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "for 203.0.113.2");
  EXPECT_EQ(origin_.request_count("/profile"), 2u);
}

}  // namespace
}  // namespace itest
