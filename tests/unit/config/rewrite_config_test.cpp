#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

const std::string kHead = "upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n";

RouteConfig load_route(const std::string& keys) {
  return load_ok(kHead + "  - {upstream: app, match: {prefix: /api/}, " + keys + "}\n")
      .routes.at(0);
}

Problems route_problems(const std::string& keys) {
  return problems(kHead + "  - {upstream: app, match: {prefix: /api/}, " + keys + "}\n");
}

TEST(RewriteConfig, StripPrefixTrueTakesTheMatchPrefix) {
  EXPECT_EQ(load_route("strip_prefix: true").rewrite.strip_prefix, "/api");
  EXPECT_EQ(load_route("strip_prefix: /api/v1/").rewrite.strip_prefix, "/api/v1");
  EXPECT_EQ(route_problems("strip_prefix: api"),
            (Problems{"t.yaml:3:59: routes[0].strip_prefix: expected true or a path starting "
                      "with '/', got 'api'"}));
  EXPECT_EQ(problems(kHead + "  - {upstream: app, match: {exact: /x}, strip_prefix: true}\n"),
            (Problems{"t.yaml:3:55: routes[0].strip_prefix: `true` strips the route's "
                      "match.prefix, and it has none"}));
}

TEST(RewriteConfig, RegexAndReplacementAreChecked) {
  const RouteConfig route =
      load_route(R"(rewrite: {regex: "^/api/users/(\\d+)$", replacement: "/v2/users/$1"})");
  EXPECT_EQ(route.rewrite.regex, R"(^/api/users/(\d+)$)");
  EXPECT_EQ(route.rewrite.replacement, "/v2/users/$1");
  auto bad = route_problems(R"(rewrite: {regex: "^/(a$", replacement: "/x"})");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("bad regular expression"), std::string::npos) << bad[0];
  bad = route_problems(R"(rewrite: {regex: "^/(a)$", replacement: "/x/$2"})");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("$2 names a group the regex does not have (it has 1)"), std::string::npos)
      << bad[0];
  bad = route_problems(R"(rewrite: {regex: "^/a$", replacement: "/x y"})");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("no spaces"), std::string::npos) << bad[0];
  bad = route_problems(R"(rewrite: {regex: "^/a$"})");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("replacement"), std::string::npos) << bad[0];
}

TEST(RewriteConfig, HeaderEditsWithVariables) {
  const RouteConfig route = load_route(
      "request_headers: {set: {X-Client: \"$client_ip via $route\"}, add: {X-Tag: a}, "
      "remove: [Cookie]}, response_headers: {set: {X-Req: $request_id}, remove: [X-Debug]}");
  ASSERT_EQ(route.request_headers.set.size(), 1u);
  EXPECT_EQ(route.request_headers.set[0].name, "X-Client");
  EXPECT_EQ(route.request_headers.set[0].value, "$client_ip via $route");
  EXPECT_EQ(route.request_headers.add.size(), 1u);
  EXPECT_EQ(route.request_headers.remove, (std::vector<std::string>{"cookie"}));
  EXPECT_EQ(route.response_headers.remove, (std::vector<std::string>{"x-debug"}));
}

TEST(RewriteConfig, HeaderEditsRefuseWhatWouldBreakTheMessage) {
  auto bad = route_problems("request_headers: {set: {X-A: $clientip}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("unknown variable '$clientip'"), std::string::npos) << bad[0];
  bad = route_problems("request_headers: {set: {Content-Length: '5'}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("Content-Length is written by the gateway"), std::string::npos) << bad[0];
  bad = route_problems("request_headers: {remove: [X-Forwarded-For]}");
  ASSERT_EQ(bad.size(), 1u);
  bad = route_problems("request_headers: {set: {Host: a.example}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("upstream's `host`"), std::string::npos) << bad[0];
  bad = route_problems("response_headers: {set: {\"Bad Name\": x}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("not a header name"), std::string::npos) << bad[0];
  bad = route_problems("response_headers: {add: {X-A: \"a\\nb\"}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("control characters"), std::string::npos) << bad[0];
  bad = route_problems("response_headers: {sett: {X-A: b}}");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("set"), std::string::npos) << bad[0];
}

TEST(RouteNames, NoRouteIsReserved) {
  const auto bad = problems(kHead + "  - {name: no_route, upstream: app}\n");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("'no_route' is reserved"), std::string::npos) << bad[0];
}

}  // namespace
}  // namespace centinela::config
