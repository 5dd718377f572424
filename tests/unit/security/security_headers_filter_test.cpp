#include "security/security_headers_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace centinela::security {
namespace {

namespace http = proxy::http;

// Helmet's defaults, written out here so the test does not depend on the
// config library's preset.
config::SecurityHeadersConfig helmet_like() {
  config::SecurityHeadersConfig config;
  config.headers = {
      {"Content-Security-Policy", "default-src 'self'"},
      {"Strict-Transport-Security", "max-age=15552000; includeSubDomains"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "SAMEORIGIN"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"X-DNS-Prefetch-Control", "off"},
  };
  return config;
}

struct FilterRun {
  proxy::RequestHead request;
  proxy::RequestContext ctx{.request = request};
  proxy::ResponseHead response;
};

TEST(SecurityHeadersFilterTest, DisabledMakesNoFilter) {
  config::SecurityHeadersConfig config = helmet_like();
  config.enabled = false;
  EXPECT_EQ(make_security_headers_filter(config), nullptr);

  config::SecurityHeadersConfig empty;
  empty.remove.clear();
  EXPECT_EQ(make_security_headers_filter(empty), nullptr);
}

TEST(SecurityHeadersFilterTest, SetsConfiguredHeaders) {
  auto filter = make_security_headers_filter(helmet_like());
  ASSERT_NE(filter, nullptr);
  FilterRun run;
  run.response.set(http::field::content_type, "application/json");
  filter->on_response(run.ctx, run.response);

  EXPECT_EQ(run.response["Content-Security-Policy"], "default-src 'self'");
  EXPECT_EQ(run.response["strict-transport-security"], "max-age=15552000; includeSubDomains");
  EXPECT_EQ(run.response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(run.response["X-Frame-Options"], "SAMEORIGIN");
  EXPECT_EQ(run.response["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(run.response["Cross-Origin-Opener-Policy"], "same-origin");
  EXPECT_EQ(run.response["X-DNS-Prefetch-Control"], "off");
  EXPECT_EQ(run.response[http::field::content_type], "application/json");
}

TEST(SecurityHeadersFilterTest, ReplacesTheOriginsValues) {
  auto filter = make_security_headers_filter(helmet_like());
  FilterRun run;
  run.response.insert("X-Frame-Options", "ALLOWALL");
  run.response.insert("X-Frame-Options", "ALLOW-FROM https://evil.example");
  run.response.insert("Content-Security-Policy", "default-src *");
  filter->on_response(run.ctx, run.response);

  EXPECT_EQ(run.response.count("X-Frame-Options"), 1u);
  EXPECT_EQ(run.response["X-Frame-Options"], "SAMEORIGIN");
  EXPECT_EQ(run.response["Content-Security-Policy"], "default-src 'self'");
}

TEST(SecurityHeadersFilterTest, RemovesServerAndPoweredByByDefault) {
  auto filter = make_security_headers_filter(helmet_like());
  FilterRun run;
  run.response.set(http::field::server, "Apache/2.4.1 (Unix)");
  run.response.insert("X-Powered-By", "PHP/5.6");
  run.response.insert("x-powered-by", "Express");
  filter->on_response(run.ctx, run.response);

  EXPECT_EQ(run.response.count(http::field::server), 0u);
  EXPECT_EQ(run.response.count("X-Powered-By"), 0u);
}

TEST(SecurityHeadersFilterTest, EmptyValueErasesTheHeader) {
  config::SecurityHeadersConfig config = helmet_like();
  config.headers.push_back({"X-AspNet-Version", ""});
  config.headers[3].value = "";  // X-Frame-Options turned off for this route
  auto filter = make_security_headers_filter(config);
  FilterRun run;
  run.response.insert("X-AspNet-Version", "4.0.30319");
  run.response.insert("X-Frame-Options", "DENY");
  filter->on_response(run.ctx, run.response);

  EXPECT_EQ(run.response.count("X-AspNet-Version"), 0u);
  EXPECT_EQ(run.response.count("X-Frame-Options"), 0u);
  EXPECT_EQ(run.response["X-Content-Type-Options"], "nosniff");
}

TEST(SecurityHeadersFilterTest, ConfiguredValueWinsOverRemoval) {
  config::SecurityHeadersConfig config;
  config.headers = {{"Server", "centinela"}};
  auto filter = make_security_headers_filter(config);
  FilterRun run;
  run.response.set(http::field::server, "nginx/1.2.3");
  filter->on_response(run.ctx, run.response);
  EXPECT_EQ(run.response[http::field::server], "centinela");
}

TEST(SecurityHeadersFilterTest, RemovalListIsConfigurable) {
  config::SecurityHeadersConfig config;
  config.remove = {"x-runtime"};
  auto filter = make_security_headers_filter(config);
  ASSERT_NE(filter, nullptr);
  FilterRun run;
  run.response.insert("X-Runtime", "0.01");
  run.response.set(http::field::server, "kept");
  filter->on_response(run.ctx, run.response);
  EXPECT_EQ(run.response.count("X-Runtime"), 0u);
  EXPECT_EQ(run.response[http::field::server], "kept");
}

TEST(SecurityHeadersFilterTest, NeverWritesLineBreaks) {
  config::SecurityHeadersConfig config;
  config.headers = {
      {"X-Injected", "a\r\nSet-Cookie: evil=1"}, {"Bad Name", "x"}, {"X-Fine", "yes"}};
  auto filter = make_security_headers_filter(config);
  FilterRun run;
  filter->on_response(run.ctx, run.response);
  EXPECT_EQ(run.response.count("X-Injected"), 0u);
  EXPECT_EQ(run.response.count("Bad Name"), 0u);
  EXPECT_EQ(run.response["X-Fine"], "yes");
}

TEST(SecurityHeadersFilterTest, AppliesToEveryResponseOfTheRoute) {
  auto filter = make_security_headers_filter(helmet_like());
  for (int i = 0; i < 3; ++i) {
    FilterRun run;
    run.response.result(i == 0 ? 200 : 502);
    filter->on_response(run.ctx, run.response);
    EXPECT_EQ(run.response["X-Content-Type-Options"], "nosniff");
  }
}

}  // namespace
}  // namespace centinela::security
