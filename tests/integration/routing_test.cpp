// Routes pick the upstream by exact path, prefix, regex, host and method;
// two origins tell which upstream a request reached.
#include "gateway_fixture.h"

namespace itest {
namespace {

class RoutingTest : public GatewayTest {
 protected:
  RoutingTest() {
    config_.upstreams["b"] = upstream_yaml({origin_b_.address()});
    config_.routes = {
        R"({match: {exact: "/exact"}, upstream: b})",
        R"({match: {regex: "/items/[0-9]+"}, upstream: b})",
        R"({name: host-b, match: {host: "b.example.test", prefix: "/"}, upstream: b})",
        R"({name: host-wild, match: {host: "*.wild.example.test", prefix: "/"}, upstream: b})",
        R"({match: {prefix: "/m/", methods: [DELETE, PUT]}, upstream: b})",
        R"({match: {prefix: "/b/"}, upstream: b})",
        R"({match: {prefix: "/"}, upstream: api})",
    };
  }

  // Which origin answered, from the echo body ("a", "b", or what went wrong).
  std::string origin_of(const HttpResponse& response) {
    if (response.status == 0) return "no response: " + response.error;
    if (response.status != 200) return "status " + std::to_string(response.status);
    auto echo = parse_json(response.body);
    return echo ? echo->string_at("origin", "no origin field") : "not JSON";
  }
  std::string route(const std::string& method, const std::string& target,
                    const HeaderList& headers = {}) {
    return origin_of(http_request(port(), method, target, headers));
  }

  TestOrigin origin_b_{"b"};
};

TEST_F(RoutingTest, ExactMatchesOnlyThatPath) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(route("GET", "/exact"), "b");
  EXPECT_EQ(route("GET", "/exact?query=1"), "b");
  EXPECT_EQ(route("GET", "/exact/more"), "a");
  EXPECT_EQ(route("GET", "/exactly"), "a");
}

TEST_F(RoutingTest, PrefixMatchesPathsUnderIt) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(route("GET", "/b/"), "b");
  EXPECT_EQ(route("GET", "/b/deep/path?x=1"), "b");
  EXPECT_EQ(route("GET", "/bx"), "a");
  EXPECT_EQ(route("GET", "/"), "a");
}

TEST_F(RoutingTest, RegexMatchesTheWholePath) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(route("GET", "/items/42"), "b");
  EXPECT_EQ(route("GET", "/items/42?page=2"), "b");
  EXPECT_EQ(route("GET", "/items/42x"), "a");
  EXPECT_EQ(route("GET", "/v1/items/42"), "a");
  EXPECT_EQ(route("GET", "/items/"), "a");
}

TEST_F(RoutingTest, HostSelectsTheRoute) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(route("GET", "/anything", {{"Host", "b.example.test"}}), "b");
  EXPECT_EQ(route("GET", "/anything", {{"Host", "B.Example.Test:8080"}}), "b");
  EXPECT_EQ(route("GET", "/anything", {{"Host", "a.example.test"}}), "a");
  EXPECT_EQ(route("GET", "/anything", {{"Host", "api.wild.example.test"}}), "b");
  EXPECT_EQ(route("GET", "/anything", {{"Host", "wild.example.test"}}), "a");
}

TEST_F(RoutingTest, MethodsRestrictTheRoute) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(route("DELETE", "/m/1"), "b");
  EXPECT_EQ(route("PUT", "/m/1"), "b");
  EXPECT_EQ(route("GET", "/m/1"), "a");
  EXPECT_EQ(route("POST", "/m/1"), "a");
  EXPECT_EQ(origin_b_.request_count(), 2u);
  EXPECT_EQ(origin_.request_count(), 2u);
}

}  // namespace
}  // namespace itest
