// Response security headers (the Helmet-like defaults, per-route off and
// overrides), upstream fingerprint headers removed, and CORS.
#include "gateway_fixture.h"

namespace itest {
namespace {

const std::vector<std::string> kDefaultSecurityHeaders = {
    "content-security-policy", "strict-transport-security", "x-content-type-options",
    "x-frame-options",         "referrer-policy",           "cross-origin-opener-policy"};

class SecurityHeadersTest : public GatewayTest {
 protected:
  SecurityHeadersTest() {
    origin_.on("/fingerprinted", [](const ReceivedRequest&) {
      OriginReply reply = OriginReply::text(200, "ok");
      reply.headers.emplace_back("Server", "Apache/2.4.57 (Debian)");
      reply.headers.emplace_back("X-Powered-By", "PHP/8.2.7");
      return reply;
    });
    config_.routes = {
        R"({match: {prefix: "/plain/"}, upstream: api, security_headers: off})",
        R"({match: {prefix: "/strict/"}, upstream: api, security_headers: {x_frame_options: DENY}})",
        R"({match: {prefix: "/"}, upstream: api})",
    };
  }
};

TEST_F(SecurityHeadersTest, DefaultSecurityHeadersArePresent) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/page");
  ASSERT_EQ(response.status, 200) << response.error;
  for (const std::string& name : kDefaultSecurityHeaders) {
    EXPECT_TRUE(response.has_header(name)) << name << " missing";
    EXPECT_EQ(find_headers(response.headers, name).size(), 1u) << name << " repeated";
  }
  EXPECT_EQ(response.header("x-content-type-options").value_or("(absent)"), "nosniff");
}

TEST_F(SecurityHeadersTest, UpstreamFingerprintHeadersAreRemoved) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/fingerprinted");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_FALSE(response.has_header("x-powered-by"));
  for (const auto& [name, value] : response.headers) {
    EXPECT_EQ(value.find("Apache"), std::string::npos) << name << ": " << value;
  }
}

TEST_F(SecurityHeadersTest, RouteWithSecurityHeadersOffHasNone) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/plain/page");
  ASSERT_EQ(response.status, 200) << response.error;
  for (const std::string& name : kDefaultSecurityHeaders) {
    EXPECT_FALSE(response.has_header(name)) << name << ": " << *response.header(name);
  }
}

TEST_F(SecurityHeadersTest, OverrideReplacesOneHeaderAndKeepsTheRest) {
  ASSERT_TRUE(start_gateway());
  HttpResponse strict = get("/strict/page");
  ASSERT_EQ(strict.status, 200) << strict.error;
  EXPECT_EQ(find_headers(strict.headers, "x-frame-options"), std::vector<std::string>{"DENY"});
  EXPECT_TRUE(strict.has_header("content-security-policy"));
  EXPECT_EQ(strict.header("x-content-type-options").value_or("(absent)"), "nosniff");

  HttpResponse normal = get("/page");
  EXPECT_NE(normal.header("x-frame-options").value_or("(absent)"),
            "DENY");  // other routes keep the default
}

class CorsTest : public GatewayTest {
 protected:
  CorsTest() {
    config_.routes = {
        R"({match: {prefix: "/api/"}, upstream: api,)"
        R"( cors: {allow_origins: ["https://app.example.test"], allow_methods: [GET, POST, PUT],)"
        R"( allow_headers: [Content-Type, Authorization], max_age: 10m}})",
        R"({match: {prefix: "/"}, upstream: api})",
    };
  }

  HttpResponse preflight(const std::string& origin) {
    return http_request(port(), "OPTIONS", "/api/items",
                        {{"Origin", origin},
                         {"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "content-type"}});
  }
};

TEST_F(CorsTest, PreflightFromAllowedOriginIsAnsweredByTheGateway) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = preflight("https://app.example.test");
  EXPECT_EQ(response.status, 204) << response.error << response.body;
  EXPECT_EQ(response.header("access-control-allow-origin").value_or("(absent)"),
            "https://app.example.test");
  EXPECT_TRUE(header_has_token(response.headers, "access-control-allow-methods", "POST"))
      << response.header("access-control-allow-methods").value_or("(absent)");
  EXPECT_TRUE(header_has_token(response.headers, "access-control-allow-headers", "content-type"))
      << response.header("access-control-allow-headers").value_or("(absent)");
  EXPECT_EQ(response.header("access-control-max-age").value_or("(absent)"), "600");
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(CorsTest, PreflightFromDisallowedOriginGetsNoAllowOrigin) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = preflight("https://evil.example.test");
  ASSERT_NE(response.status, 0) << response.error;
  EXPECT_FALSE(response.has_header("access-control-allow-origin"))
      << *response.header("access-control-allow-origin");
}

TEST_F(CorsTest, ActualRequestFromAllowedOriginGetsAllowOrigin) {
  ASSERT_TRUE(start_gateway());
  HttpResponse allowed = get("/api/items", {{"Origin", "https://app.example.test"}});
  ASSERT_EQ(allowed.status, 200) << allowed.error;
  EXPECT_EQ(allowed.header("access-control-allow-origin").value_or("(absent)"),
            "https://app.example.test");
  EXPECT_TRUE(header_has_token(allowed.headers, "vary", "origin"))
      << allowed.header("vary").value_or("(no Vary)");

  HttpResponse disallowed = get("/api/items", {{"Origin", "https://evil.example.test"}});
  ASSERT_EQ(disallowed.status, 200) << disallowed.error;
  EXPECT_FALSE(disallowed.has_header("access-control-allow-origin"));

  HttpResponse other_route = get("/elsewhere", {{"Origin", "https://app.example.test"}});
  EXPECT_FALSE(other_route.has_header("access-control-allow-origin"));
}

}  // namespace
}  // namespace itest
