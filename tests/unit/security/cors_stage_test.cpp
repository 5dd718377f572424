// The CORS stage: preflights answered on the request side, the grant on the
// response side of every other response (upstream, gateway, stored).
#include "security/cors_stage.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_exchange.h"
#include "fake_stored.h"

namespace centinela::security {
namespace {

namespace http = stage::http;
namespace fake = centinela::testing;
using stage::RequestVerdict;
using Kind = stage::RequestVerdict::Kind;

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

struct Preflight {
  std::string_view origin;
  std::string_view method = "DELETE";
};
struct Actual {
  std::string_view origin;
};

// One request and a response to it, for driving the stage's events directly.
struct Exchange {
  explicit Exchange(Preflight preflight) : fake_request("OPTIONS", "/api/items/1") {
    ctx.request_id = "req-123";
    request.set(http::field::origin, preflight.origin);
    request.set(http::field::access_control_request_method, preflight.method);
  }
  explicit Exchange(Actual actual) : fake_request("GET", "/api/items") {
    ctx.request_id = "req-123";
    if (!actual.origin.empty()) request.set(http::field::origin, actual.origin);
  }

  fake::FakeRequest fake_request;
  stage::RequestHead& request = fake_request.head;
  stage::RequestContext& ctx = fake_request.ctx;
  stage::Response response{fake_request.arena};

  std::string field(std::string_view name) const { return std::string(response.fields.find(name)); }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    response.fields.for_each(name, [&n](std::string_view) { ++n; });
    return n;
  }
};

TEST(CorsStageTest, DisabledMakesNoStage) {
  config::CorsConfig config = list_config();
  config.enabled = false;
  EXPECT_EQ(make_cors_stage(config), nullptr);
  EXPECT_EQ(make_cors_stage(list_config())->name(), "cors");
}

TEST(CorsStageTest, AnswersAnAllowedPreflight) {
  auto cors = make_cors_stage(list_config());
  Exchange exchange(Preflight{"https://app.example.com"});
  exchange.request.set(http::field::access_control_request_headers, "content-type");

  RequestVerdict verdict = cors->on_request_head(exchange.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  const stage::LocalResponse& response = verdict.local();
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

TEST(CorsStageTest, OriginsCompareCaseInsensitivelyAndIgnoreATrailingSlash) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"https://App.Example.com/"};
  auto cors = make_cors_stage(config);
  Exchange exchange(Preflight{"HTTPS://app.example.COM"});
  RequestVerdict verdict = cors->on_request_head(exchange.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(verdict.local().status, 204u);
  EXPECT_EQ(verdict.local().headers[http::field::access_control_allow_origin],
            "HTTPS://app.example.COM");
}

TEST(CorsStageTest, RefusesAPreflightFromAnotherOrigin) {
  auto cors = make_cors_stage(list_config());
  for (std::string_view origin :
       {"https://evil.example", "https://app.example.com.evil.example", "http://app.example.com",
        "https://app.example.com:8443", "null", "https://app.example.co"}) {
    Exchange exchange(Preflight{origin});
    RequestVerdict verdict = cors->on_request_head(exchange.ctx);
    ASSERT_EQ(verdict.kind(), Kind::respond) << origin;
    const stage::LocalResponse& response = verdict.local();
    EXPECT_EQ(response.status, 403u) << origin;
    EXPECT_EQ(response.headers[http::field::content_type], "application/json");
    EXPECT_EQ(response.headers[http::field::vary], "Origin");
    EXPECT_NE(response.body.find(R"("code":"FORBIDDEN")"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find(R"("request_id":"req-123")"), std::string::npos) << response.body;
    EXPECT_EQ(response.headers.count(http::field::access_control_allow_origin), 0u);
  }
}

TEST(CorsStageTest, OptionsWithoutPreflightFieldsGoesUpstream) {
  auto cors = make_cors_stage(list_config());
  Exchange no_method(Preflight{"https://app.example.com"});
  no_method.request.erase(http::field::access_control_request_method);
  EXPECT_EQ(cors->on_request_head(no_method.ctx).kind(), Kind::proceed);

  Exchange no_origin(Preflight{"https://app.example.com"});
  no_origin.request.erase(http::field::origin);
  EXPECT_EQ(cors->on_request_head(no_origin.ctx).kind(), Kind::proceed);

  Exchange actual(Actual{"https://evil.example"});
  EXPECT_EQ(cors->on_request_head(actual.ctx).kind(), Kind::proceed);
}

TEST(CorsStageTest, StarWithoutCredentialsAnswersStar) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"*"};
  auto cors = make_cors_stage(config);
  Exchange preflight(Preflight{"https://anyone.example"});
  RequestVerdict verdict = cors->on_request_head(preflight.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(verdict.local().status, 204u);
  EXPECT_EQ(verdict.local().headers[http::field::access_control_allow_origin], "*");

  Exchange actual(Actual{"https://anyone.example"});
  cors->on_response_head(actual.ctx, actual.response);
  EXPECT_EQ(actual.field("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(actual.count("Vary"), 0u);
}

TEST(CorsStageTest, StarWithCredentialsEchoesTheOrigin) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"*"};
  config.allow_credentials = true;
  auto cors = make_cors_stage(config);
  Exchange preflight(Preflight{"https://anyone.example"});
  RequestVerdict verdict = cors->on_request_head(preflight.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  const http::fields& headers = verdict.local().headers;
  EXPECT_EQ(headers[http::field::access_control_allow_origin], "https://anyone.example");
  EXPECT_EQ(headers[http::field::access_control_allow_credentials], "true");

  Exchange actual(Actual{"https://anyone.example"});
  cors->on_response_head(actual.ctx, actual.response);
  EXPECT_EQ(actual.field("Access-Control-Allow-Origin"), "https://anyone.example");
  EXPECT_EQ(actual.field("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(actual.field("Vary"), "Origin");
}

TEST(CorsStageTest, WildcardAllowHeadersEchoesTheRequestedOnes) {
  config::CorsConfig config = list_config();
  config.allow_headers = {"*"};
  auto cors = make_cors_stage(config);
  Exchange exchange(Preflight{"http://localhost:3000", "PUT"});
  exchange.request.set(http::field::access_control_request_headers, "x-custom, content-type");
  RequestVerdict verdict = cors->on_request_head(exchange.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  const http::fields& headers = verdict.local().headers;
  EXPECT_EQ(headers[http::field::access_control_allow_headers], "x-custom, content-type");
  EXPECT_EQ(headers[http::field::vary], "Origin, Access-Control-Request-Headers");

  Exchange no_headers(Preflight{"http://localhost:3000"});
  RequestVerdict plain = cors->on_request_head(no_headers.ctx);
  ASSERT_EQ(plain.kind(), Kind::respond);
  EXPECT_EQ(plain.local().headers.count(http::field::access_control_allow_headers), 0u);
  EXPECT_EQ(plain.local().headers[http::field::vary], "Origin");
}

TEST(CorsStageTest, ActualResponseFromAnAllowedOrigin) {
  config::CorsConfig config = list_config();
  config.allow_credentials = true;
  auto cors = make_cors_stage(config);
  Exchange exchange(Actual{"https://app.example.com"});
  exchange.response.fields.add("Vary", "Accept-Encoding");
  EXPECT_EQ(cors->on_request_head(exchange.ctx).kind(), Kind::proceed);
  EXPECT_EQ(cors->on_response_head(exchange.ctx, exchange.response).kind(),
            stage::ResponseVerdict::Kind::proceed);

  EXPECT_EQ(exchange.field("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(exchange.field("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(exchange.field("Access-Control-Expose-Headers"), "X-Request-ID, RateLimit");
  EXPECT_EQ(exchange.field("Vary"), "Accept-Encoding, Origin");
  EXPECT_EQ(exchange.count("Access-Control-Allow-Methods"), 0u);
}

TEST(CorsStageTest, ActualResponseFromAnotherOriginGetsNoGrant) {
  auto cors = make_cors_stage(list_config());
  Exchange exchange(Actual{"https://evil.example"});
  // An upstream that answers every origin must not override the route.
  exchange.response.fields.add("Access-Control-Allow-Origin", "*");
  exchange.response.fields.add("access-control-allow-credentials", "true");
  exchange.response.fields.add("Access-Control-Expose-Headers", "Secret");
  cors->on_response_head(exchange.ctx, exchange.response);

  EXPECT_EQ(exchange.count("Access-Control-Allow-Origin"), 0u);
  EXPECT_EQ(exchange.count("Access-Control-Allow-Credentials"), 0u);
  EXPECT_EQ(exchange.count("Access-Control-Expose-Headers"), 0u);
  EXPECT_EQ(exchange.field("Vary"), "Origin");
}

TEST(CorsStageTest, TheRoutesGrantReplacesTheUpstreamsOwn) {
  auto cors = make_cors_stage(list_config());
  Exchange exchange(Actual{"https://app.example.com"});
  exchange.response.fields.add("Access-Control-Allow-Origin", "*");
  exchange.response.fields.add("Access-Control-Allow-Origin", "https://other.example");
  exchange.response.fields.add("Access-Control-Allow-Credentials", "true");
  exchange.response.fields.add("Access-Control-Expose-Headers", "Secret");
  cors->on_response_head(exchange.ctx, exchange.response);

  EXPECT_EQ(exchange.count("Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(exchange.field("Access-Control-Allow-Origin"), "https://app.example.com");
  // Credentials are not allowed by the route: the upstream's grant goes.
  EXPECT_EQ(exchange.count("Access-Control-Allow-Credentials"), 0u);
  EXPECT_EQ(exchange.count("Access-Control-Expose-Headers"), 1u);
  EXPECT_EQ(exchange.field("Access-Control-Expose-Headers"), "X-Request-ID, RateLimit");

  config::CorsConfig no_expose = list_config();
  no_expose.expose_headers.clear();
  Exchange bare(Actual{"https://app.example.com"});
  bare.response.fields.add("Access-Control-Expose-Headers", "Secret");
  make_cors_stage(no_expose)->on_response_head(bare.ctx, bare.response);
  EXPECT_EQ(bare.count("Access-Control-Expose-Headers"), 0u);
}

TEST(CorsStageTest, ResponseWithoutOriginStillVariesOnOrigin) {
  auto cors = make_cors_stage(list_config());
  Exchange exchange(Actual{""});
  cors->on_response_head(exchange.ctx, exchange.response);
  EXPECT_EQ(exchange.count("Access-Control-Allow-Origin"), 0u);
  EXPECT_EQ(exchange.field("Vary"), "Origin");
}

TEST(CorsStageTest, VaryIsNotDuplicated) {
  auto cors = make_cors_stage(list_config());
  Exchange listed(Actual{"https://app.example.com"});
  listed.response.fields.add("Vary", "accept-encoding, origin");
  cors->on_response_head(listed.ctx, listed.response);
  EXPECT_EQ(listed.field("Vary"), "accept-encoding, origin");

  Exchange star(Actual{"https://app.example.com"});
  star.response.fields.add("Vary", "*");
  cors->on_response_head(star.ctx, star.response);
  EXPECT_EQ(star.field("Vary"), "*");

  Exchange two_lines(Actual{"https://app.example.com"});
  two_lines.response.fields.add("Vary", "Accept-Encoding");
  two_lines.response.fields.add("Vary", "X-Tenant");
  cors->on_response_head(two_lines.ctx, two_lines.response);
  EXPECT_EQ(two_lines.count("Vary"), 1u);
  EXPECT_EQ(two_lines.field("Vary"), "Accept-Encoding, X-Tenant, Origin");

  Exchange twice(Actual{"https://app.example.com"});
  cors->on_response_head(twice.ctx, twice.response);
  cors->on_response_head(twice.ctx, twice.response);
  EXPECT_EQ(twice.count("Vary"), 1u);
  EXPECT_EQ(twice.field("Vary"), "Origin");
}

TEST(CorsStageTest, WildcardOriginsMatchSubdomainsOnly) {
  config::CorsConfig config = list_config();
  config.allow_origins = {"https://*.example.com", "http://*.dev.test:8080"};
  auto cors = make_cors_stage(config);

  for (std::string_view allowed : {"https://app.example.com", "https://a.b.example.com",
                                   "HTTPS://API.Example.COM", "http://web-1.dev.test:8080"}) {
    Exchange exchange(Actual{allowed});
    cors->on_response_head(exchange.ctx, exchange.response);
    EXPECT_EQ(exchange.field("Access-Control-Allow-Origin"), allowed) << allowed;

    Exchange preflight(Preflight{allowed});
    RequestVerdict verdict = cors->on_request_head(preflight.ctx);
    ASSERT_EQ(verdict.kind(), Kind::respond);
    EXPECT_EQ(verdict.local().status, 204u) << allowed;
  }
  for (std::string_view refused :
       {"https://example.com", "https://.example.com", "http://app.example.com",
        "https://app.example.com.evil.test", "https://evil.test/.example.com",
        "https://evil.test?.example.com", "https://user@x.example.com", "https://a..example.com",
        "https://app.example.com:8443", "http://web.dev.test", "http://web.dev.test:80800",
        "https://evilexample.com"}) {
    Exchange exchange(Actual{refused});
    cors->on_response_head(exchange.ctx, exchange.response);
    EXPECT_EQ(exchange.count("Access-Control-Allow-Origin"), 0u) << refused;

    Exchange preflight(Preflight{refused});
    RequestVerdict verdict = cors->on_request_head(preflight.ctx);
    ASSERT_EQ(verdict.kind(), Kind::respond);
    EXPECT_EQ(verdict.local().status, 403u) << refused;
  }
}

// --- through a chain: every response the client gets ------------------------

pipeline::Chain cors_chain(config::CorsConfig config = list_config()) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(make_cors_stage(config));
  return pipeline::Chain(std::move(stages));
}

TEST(CorsStageChain, APreflightIsAnsweredByTheGatewayAndNotRewrittenOnTheWayOut) {
  const pipeline::Chain chain = cors_chain();
  fake::FakeRequest request(
      "OPTIONS", "/api/items/1",
      {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "DELETE"}});
  fake::FakeDownstream downstream;
  fake::FakeUpstream upstream;
  EXPECT_TRUE(fake::run_pipeline(chain, request, downstream, upstream));
  const fake::ClientView& client = downstream.client;
  EXPECT_TRUE(upstream.received.empty());
  EXPECT_EQ(client.status, 204u);
  EXPECT_EQ(client.field("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(client.field("Access-Control-Max-Age"), "600");
  EXPECT_EQ(client.count("Vary"), 1u);
  EXPECT_EQ(client.count("Access-Control-Expose-Headers"), 0u);
  EXPECT_FALSE(client.sends_body);
  EXPECT_TRUE(client.body.empty());
}

TEST(CorsStageChain, AnUpstreamResponseGetsTheRoutesGrant) {
  const pipeline::Chain chain = cors_chain();
  fake::FakeRequest request("GET", "/api/items", {{"Origin", "https://app.example.com"}});
  fake::FakeDownstream downstream;
  fake::FakeUpstream upstream;
  upstream.respond = [](const fake::UpstreamView&) {
    return fake::ScriptedResponse{200,
                                  {{"Content-Type", "application/json"},
                                   {"Access-Control-Allow-Origin", "*"},
                                   {"Vary", "Accept-Encoding"}},
                                  {"[]"}};
  };
  fake::run_pipeline(chain, request, downstream, upstream);
  const fake::ClientView& client = downstream.client;
  EXPECT_EQ(client.status, 200u);
  EXPECT_EQ(client.count("Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(client.field("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(client.field("Access-Control-Expose-Headers"), "X-Request-ID, RateLimit");
  EXPECT_EQ(client.field("Vary"), "Accept-Encoding, Origin");
  EXPECT_EQ(client.body, "[]");
}

TEST(CorsStageChain, GatewayErrorsAndStoredResponsesGetTheGrantToo) {
  const pipeline::Chain chain = cors_chain();
  fake::FakeRequest request("GET", "/api/items", {{"Origin", "http://localhost:3000"}});
  fake::FakeDownstream downstream;
  fake::FakeUpstream failing;
  failing.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 504, "timed out"};
  fake::run_pipeline(chain, request, downstream, failing);
  EXPECT_EQ(downstream.client.status, 504u);
  EXPECT_EQ(downstream.client.field("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(downstream.client.field("Vary"), "Origin");

  // A cache hit: the stored entry's own fields, then the grant.
  auto entry = std::make_shared<fake::FakeStored>(
      200,
      std::vector<std::pair<std::string, std::string>>{{"Content-Type", "text/plain"},
                                                       {"Vary", "Accept-Encoding"}},
      "stored body");
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(make_cors_stage(list_config()));
  stages.push_back(std::make_unique<fake::StoredAnswerStage>(entry));
  const pipeline::Chain with_hit(std::move(stages));
  fake::FakeRequest hit("GET", "/api/items", {{"Origin", "https://app.example.com"}});
  fake::FakeDownstream hit_downstream;
  fake::FakeUpstream unused;
  fake::run_pipeline(with_hit, hit, hit_downstream, unused);
  EXPECT_TRUE(unused.received.empty());
  EXPECT_EQ(hit_downstream.client.status, 200u);
  EXPECT_EQ(hit_downstream.client.field("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(hit_downstream.client.field("Vary"), "Accept-Encoding, Origin");
  EXPECT_EQ(hit_downstream.client.body, "stored body");
}

}  // namespace
}  // namespace centinela::security
