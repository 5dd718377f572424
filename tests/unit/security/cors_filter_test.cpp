#include "security/cors_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::security {
namespace {

namespace http = proxy::http;

config::CorsConfig list_config() {
  config::CorsConfig config;
  config.enabled = true;
  config.allow_origins = {"https://app.example.com", "http://localhost:3000"};
  config.allow_methods = {"GET", "POST", "DELETE"};
  config.allow_headers = {"Content-Type", "Authorization"};
  config.expose_headers = {"X-Request-ID", "RateLimit"};
  config.max_age = std::chrono::minutes(10);
  return config;
}

struct Exchange {
  proxy::RequestHead request;
  proxy::RequestContext ctx{.request = request};
  proxy::ResponseHead response;

  Exchange() { ctx.request_id = "req-123"; }

  static Exchange preflight(std::string_view origin, std::string_view method = "DELETE") {
    Exchange exchange;
    exchange.request.method(http::verb::options);
    exchange.request.target("/api/items/1");
    exchange.request.set(http::field::origin, origin);
    exchange.request.set(http::field::access_control_request_method, method);
    return exchange;
  }

  static Exchange actual(std::string_view origin) {
    Exchange exchange;
    exchange.request.method(http::verb::get);
    exchange.request.target("/api/items");
    if (!origin.empty()) exchange.request.set(http::field::origin, origin);
    return exchange;
  }
};

TEST(CorsFilterTest, DisabledMakesNoFilter) {
  config::CorsConfig config = list_config();
  config.enabled = false;
  EXPECT_EQ(make_cors_filter(config), nullptr);
}

TEST(CorsFilterTest, AnswersAnAllowedPreflight) {
  auto filter = make_cors_filter(list_config());
  Exchange exchange = Exchange::preflight("https://app.example.com");
  exchange.request.set(http::field::access_control_request_headers, "content-type");

  ASSERT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Respond);
  ASSERT_TRUE(exchange.ctx.local_response);
  const proxy::LocalResponse& response = *exchange.ctx.local_response;
  EXPECT_EQ(response.status, 204u);
  EXPECT_EQ(response.headers[http::field::access_control_allow_origin], "https://app.example.com");
  EXPECT_EQ(response.headers[http::field::access_control_allow_methods], "GET, POST, DELETE");
  EXPECT_EQ(response.headers[http::field::access_control_allow_headers],
            "Content-Type, Authorization");
  EXPECT_EQ(response.headers[http::field::access_control_max_age], "600");
  EXPECT_EQ(response.headers[http::field::vary], "Origin");
  EXPECT_EQ(response.headers.count(http::field::access_control_allow_credentials), 0u);
  EXPECT_TRUE(response.body.empty());
}

TEST(CorsFilterTest, OriginsCompareCaseInsensitivelyAndIgnoreATrailingSlash) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"https://App.Example.com/"};
  auto filter = make_cors_filter(config);
  Exchange exchange = Exchange::preflight("HTTPS://app.example.COM");
  ASSERT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Respond);
  EXPECT_EQ(exchange.ctx.local_response->status, 204u);
  EXPECT_EQ(exchange.ctx.local_response->headers[http::field::access_control_allow_origin],
            "HTTPS://app.example.COM");
}

TEST(CorsFilterTest, RefusesAPreflightFromAnotherOrigin) {
  auto filter = make_cors_filter(list_config());
  for (std::string_view origin :
       {"https://evil.example", "https://app.example.com.evil.example", "http://app.example.com",
        "https://app.example.com:8443", "null", "https://app.example.co"}) {
    Exchange exchange = Exchange::preflight(origin);
    ASSERT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Respond) << origin;
    const proxy::LocalResponse& response = *exchange.ctx.local_response;
    EXPECT_EQ(response.status, 403u) << origin;
    EXPECT_EQ(response.headers[http::field::content_type], "application/json");
    EXPECT_NE(response.body.find(R"("code":"FORBIDDEN")"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find(R"("request_id":"req-123")"), std::string::npos) << response.body;
    EXPECT_EQ(response.headers.count(http::field::access_control_allow_origin), 0u);
  }
}

TEST(CorsFilterTest, OptionsWithoutPreflightFieldsGoesUpstream) {
  auto filter = make_cors_filter(list_config());
  Exchange no_method = Exchange::preflight("https://app.example.com");
  no_method.request.erase(http::field::access_control_request_method);
  EXPECT_EQ(filter->on_request(no_method.ctx), proxy::FilterStatus::Continue);
  EXPECT_FALSE(no_method.ctx.local_response);

  Exchange no_origin = Exchange::preflight("https://app.example.com");
  no_origin.request.erase(http::field::origin);
  EXPECT_EQ(filter->on_request(no_origin.ctx), proxy::FilterStatus::Continue);

  Exchange actual = Exchange::actual("https://evil.example");
  EXPECT_EQ(filter->on_request(actual.ctx), proxy::FilterStatus::Continue);
}

TEST(CorsFilterTest, StarWithoutCredentialsAnswersStar) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"*"};
  auto filter = make_cors_filter(config);
  Exchange preflight = Exchange::preflight("https://anyone.example");
  ASSERT_EQ(filter->on_request(preflight.ctx), proxy::FilterStatus::Respond);
  EXPECT_EQ(preflight.ctx.local_response->status, 204u);
  EXPECT_EQ(preflight.ctx.local_response->headers[http::field::access_control_allow_origin], "*");

  Exchange actual = Exchange::actual("https://anyone.example");
  filter->on_response(actual.ctx, actual.response);
  EXPECT_EQ(actual.response[http::field::access_control_allow_origin], "*");
  EXPECT_EQ(actual.response.count(http::field::vary), 0u);
}

TEST(CorsFilterTest, StarWithCredentialsEchoesTheOrigin) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"*"};
  config.allow_credentials = true;
  auto filter = make_cors_filter(config);
  Exchange preflight = Exchange::preflight("https://anyone.example");
  ASSERT_EQ(filter->on_request(preflight.ctx), proxy::FilterStatus::Respond);
  const http::fields& headers = preflight.ctx.local_response->headers;
  EXPECT_EQ(headers[http::field::access_control_allow_origin], "https://anyone.example");
  EXPECT_EQ(headers[http::field::access_control_allow_credentials], "true");

  Exchange actual = Exchange::actual("https://anyone.example");
  filter->on_response(actual.ctx, actual.response);
  EXPECT_EQ(actual.response[http::field::access_control_allow_origin], "https://anyone.example");
  EXPECT_EQ(actual.response[http::field::access_control_allow_credentials], "true");
  EXPECT_EQ(actual.response[http::field::vary], "Origin");
}

TEST(CorsFilterTest, WildcardAllowHeadersEchoesTheRequestedOnes) {
  config::CorsConfig config = list_config();
  config.allow_headers = {"*"};
  auto filter = make_cors_filter(config);
  Exchange exchange = Exchange::preflight("http://localhost:3000", "PUT");
  exchange.request.set(http::field::access_control_request_headers, "x-custom, content-type");
  ASSERT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Respond);
  const http::fields& headers = exchange.ctx.local_response->headers;
  EXPECT_EQ(headers[http::field::access_control_allow_headers], "x-custom, content-type");
  EXPECT_EQ(headers[http::field::vary], "Origin, Access-Control-Request-Headers");

  Exchange no_headers = Exchange::preflight("http://localhost:3000");
  ASSERT_EQ(filter->on_request(no_headers.ctx), proxy::FilterStatus::Respond);
  EXPECT_EQ(no_headers.ctx.local_response->headers.count(http::field::access_control_allow_headers),
            0u);
  EXPECT_EQ(no_headers.ctx.local_response->headers[http::field::vary], "Origin");
}

TEST(CorsFilterTest, ActualResponseFromAnAllowedOrigin) {
  config::CorsConfig config = list_config();
  config.allow_credentials = true;
  auto filter = make_cors_filter(config);
  Exchange exchange = Exchange::actual("https://app.example.com");
  exchange.response.set(http::field::vary, "Accept-Encoding");
  EXPECT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Continue);
  filter->on_response(exchange.ctx, exchange.response);

  EXPECT_EQ(exchange.response[http::field::access_control_allow_origin], "https://app.example.com");
  EXPECT_EQ(exchange.response[http::field::access_control_allow_credentials], "true");
  EXPECT_EQ(exchange.response[http::field::access_control_expose_headers],
            "X-Request-ID, RateLimit");
  EXPECT_EQ(exchange.response[http::field::vary], "Accept-Encoding, Origin");
  EXPECT_EQ(exchange.response.count(http::field::access_control_allow_methods), 0u);
}

TEST(CorsFilterTest, ActualResponseFromAnotherOriginGetsNoGrant) {
  auto filter = make_cors_filter(list_config());
  Exchange exchange = Exchange::actual("https://evil.example");
  // An upstream that answers every origin must not override the route.
  exchange.response.set(http::field::access_control_allow_origin, "*");
  exchange.response.set(http::field::access_control_allow_credentials, "true");
  filter->on_response(exchange.ctx, exchange.response);

  EXPECT_EQ(exchange.response.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(exchange.response.count(http::field::access_control_allow_credentials), 0u);
  EXPECT_EQ(exchange.response.count(http::field::access_control_expose_headers), 0u);
  EXPECT_EQ(exchange.response[http::field::vary], "Origin");
}

TEST(CorsFilterTest, ResponseWithoutOriginStillVariesOnOrigin) {
  auto filter = make_cors_filter(list_config());
  Exchange exchange = Exchange::actual("");
  filter->on_response(exchange.ctx, exchange.response);
  EXPECT_EQ(exchange.response.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(exchange.response[http::field::vary], "Origin");
}

TEST(CorsFilterTest, VaryIsNotDuplicated) {
  auto filter = make_cors_filter(list_config());
  Exchange listed = Exchange::actual("https://app.example.com");
  listed.response.set(http::field::vary, "accept-encoding, origin");
  filter->on_response(listed.ctx, listed.response);
  EXPECT_EQ(listed.response[http::field::vary], "accept-encoding, origin");

  Exchange star = Exchange::actual("https://app.example.com");
  star.response.set(http::field::vary, "*");
  filter->on_response(star.ctx, star.response);
  EXPECT_EQ(star.response[http::field::vary], "*");

  Exchange twice = Exchange::actual("https://app.example.com");
  filter->on_response(twice.ctx, twice.response);
  filter->on_response(twice.ctx, twice.response);
  EXPECT_EQ(twice.response.count(http::field::vary), 1u);
  EXPECT_EQ(twice.response[http::field::vary], "Origin");
}

TEST(CorsFilterTest, PreflightAnswerIsNotRewrittenOnTheWayOut) {
  auto filter = make_cors_filter(list_config());
  Exchange exchange = Exchange::preflight("https://app.example.com");
  ASSERT_EQ(filter->on_request(exchange.ctx), proxy::FilterStatus::Respond);
  // The chain turns the local response into the head it sends.
  exchange.response.result(exchange.ctx.local_response->status);
  for (const auto& field : exchange.ctx.local_response->headers) {
    exchange.response.insert(field.name(), field.name_string(), field.value());
  }
  filter->on_response(exchange.ctx, exchange.response);
  EXPECT_EQ(exchange.response.count(http::field::access_control_expose_headers), 0u);
  EXPECT_EQ(exchange.response.count(http::field::vary), 1u);
  EXPECT_EQ(exchange.response[http::field::access_control_allow_origin], "https://app.example.com");
}

TEST(CorsFilterTest, WildcardOriginsMatchSubdomainsOnly) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"https://*.example.com", "http://*.dev.test:8080"};
  auto filter = make_cors_filter(config);

  for (std::string_view allowed : {"https://app.example.com", "https://a.b.example.com",
                                   "HTTPS://API.Example.COM", "http://web-1.dev.test:8080"}) {
    Exchange exchange = Exchange::actual(allowed);
    filter->on_response(exchange.ctx, exchange.response);
    EXPECT_EQ(exchange.response[http::field::access_control_allow_origin], allowed) << allowed;

    Exchange preflight = Exchange::preflight(allowed);
    ASSERT_EQ(filter->on_request(preflight.ctx), proxy::FilterStatus::Respond);
    EXPECT_EQ(preflight.ctx.local_response->status, 204u) << allowed;
  }
  for (std::string_view refused :
       {"https://example.com", "https://.example.com", "http://app.example.com",
        "https://app.example.com.evil.test", "https://evil.test/.example.com",
        "https://evil.test?.example.com", "https://user@x.example.com", "https://a..example.com",
        "https://app.example.com:8443", "http://web.dev.test", "http://web.dev.test:80800",
        "https://evilexample.com"}) {
    Exchange exchange = Exchange::actual(refused);
    filter->on_response(exchange.ctx, exchange.response);
    EXPECT_EQ(exchange.response.count(http::field::access_control_allow_origin), 0u) << refused;

    Exchange preflight = Exchange::preflight(refused);
    ASSERT_EQ(filter->on_request(preflight.ctx), proxy::FilterStatus::Respond);
    EXPECT_EQ(preflight.ctx.local_response->status, 403u) << refused;
  }
}

}  // namespace
}  // namespace centinela::security
