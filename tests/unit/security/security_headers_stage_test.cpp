// The security-headers stage: its fixed lines and dropped names, as a client
// receives them through a chain on every kind of response.
#include "security/security_headers_stage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_exchange.h"
#include "fake_stored.h"
#include "security/cors_stage.h"

namespace centinela::security {
namespace {

namespace fake = centinela::testing;
using Fields = std::vector<std::pair<std::string, std::string>>;

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

pipeline::Chain chain_with(std::unique_ptr<stage::Stage> first,
                           std::unique_ptr<stage::Stage> second = nullptr) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(std::move(first));
  if (second) stages.push_back(std::move(second));
  return pipeline::Chain(std::move(stages));
}

// What the client receives when the upstream answers `status` with `fields`.
fake::ClientView through(const config::SecurityHeadersConfig& config, Fields fields,
                         unsigned status = 200) {
  const pipeline::Chain chain = chain_with(make_security_headers_stage(config));
  fake::FakeRequest request;
  fake::FakeDownstream downstream;
  fake::FakeUpstream upstream;
  upstream.respond = [&](const fake::UpstreamView&) {
    return fake::ScriptedResponse{status, fields, {"body"}};
  };
  fake::run_pipeline(chain, request, downstream, upstream);
  return downstream.client;
}

TEST(SecurityHeadersStageTest, DisabledMakesNoStage) {
  config::SecurityHeadersConfig config = helmet_like();
  config.enabled = false;
  EXPECT_EQ(make_security_headers_stage(config), nullptr);

  config::SecurityHeadersConfig empty;
  empty.remove.clear();
  EXPECT_EQ(make_security_headers_stage(empty), nullptr);
}

TEST(SecurityHeadersStageTest, OffersItsWorkAsFixedLinesAndDrops) {
  config::SecurityHeadersConfig config;
  config.headers = {{"X-Frame-Options", "DENY"}, {"X-Off", ""}};
  auto stage = make_security_headers_stage(config);
  ASSERT_NE(stage, nullptr);
  EXPECT_EQ(stage->name(), "security_headers");
  const stage::StaticResponseHeaders* fixed = stage->static_response_headers();
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(fixed->lines, "X-Frame-Options: DENY\r\n");
  EXPECT_EQ(fixed->drops, (std::vector<std::string>{"server", "x-powered-by", "X-Off"}));
}

TEST(SecurityHeadersStageTest, SetsConfiguredHeaders) {
  const fake::ClientView client = through(helmet_like(), {{"Content-Type", "application/json"}});
  EXPECT_EQ(client.field("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(client.field("strict-transport-security"), "max-age=15552000; includeSubDomains");
  EXPECT_EQ(client.field("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(client.field("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(client.field("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(client.field("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(client.field("X-DNS-Prefetch-Control"), "off");
  EXPECT_EQ(client.field("Content-Type"), "application/json");
  EXPECT_EQ(client.body, "body");
}

TEST(SecurityHeadersStageTest, ReplacesTheOriginsValues) {
  const fake::ClientView client = through(helmet_like(), {{"X-Frame-Options", "ALLOWALL"},
                                                          {"X-Frame-Options", "ALLOW-FROM x"},
                                                          {"content-security-policy", "*"}});
  EXPECT_EQ(client.count("X-Frame-Options"), 1u);
  EXPECT_EQ(client.field("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(client.count("Content-Security-Policy"), 1u);
  EXPECT_EQ(client.field("Content-Security-Policy"), "default-src 'self'");
}

TEST(SecurityHeadersStageTest, RemovesServerAndPoweredByByDefault) {
  const fake::ClientView client = through(helmet_like(), {{"Server", "Apache/2.4.1 (Unix)"},
                                                          {"X-Powered-By", "PHP/5.6"},
                                                          {"x-powered-by", "Express"}});
  EXPECT_EQ(client.count("Server"), 0u);
  EXPECT_EQ(client.count("X-Powered-By"), 0u);
}

TEST(SecurityHeadersStageTest, EmptyValueErasesTheHeader) {
  config::SecurityHeadersConfig config = helmet_like();
  config.headers.push_back({"X-AspNet-Version", ""});
  config.headers[3].value = "";  // X-Frame-Options turned off for this route
  const fake::ClientView client =
      through(config, {{"X-AspNet-Version", "4.0.30319"}, {"X-Frame-Options", "DENY"}});
  EXPECT_EQ(client.count("X-AspNet-Version"), 0u);
  EXPECT_EQ(client.count("X-Frame-Options"), 0u);
  EXPECT_EQ(client.field("X-Content-Type-Options"), "nosniff");
}

TEST(SecurityHeadersStageTest, ConfiguredValueWinsOverRemoval) {
  config::SecurityHeadersConfig config;
  config.headers = {{"Server", "centinela"}};
  const fake::ClientView client = through(config, {{"Server", "nginx/1.2.3"}});
  EXPECT_EQ(client.count("Server"), 1u);
  EXPECT_EQ(client.field("Server"), "centinela");
}

TEST(SecurityHeadersStageTest, RemovalListIsConfigurable) {
  config::SecurityHeadersConfig config;
  config.remove = {"x-runtime"};
  const fake::ClientView client = through(config, {{"X-Runtime", "0.01"}, {"Server", "kept"}});
  EXPECT_EQ(client.count("X-Runtime"), 0u);
  EXPECT_EQ(client.field("Server"), "kept");
}

TEST(SecurityHeadersStageTest, NeverWritesLineBreaks) {
  config::SecurityHeadersConfig config;
  config.headers = {
      {"X-Injected", "a\r\nSet-Cookie: evil=1"}, {"Bad Name", "x"}, {"X-Fine", "yes"}};
  config.remove = {"bad name", "x-ok"};
  auto stage = make_security_headers_stage(config);
  EXPECT_EQ(stage->static_response_headers()->lines, "X-Fine: yes\r\n");
  EXPECT_EQ(stage->static_response_headers()->drops, (std::vector<std::string>{"x-ok"}));
  const fake::ClientView client = through(config, {});
  EXPECT_EQ(client.count("X-Injected"), 0u);
  EXPECT_EQ(client.count("Set-Cookie"), 0u);
  EXPECT_EQ(client.count("Bad Name"), 0u);
  EXPECT_EQ(client.field("X-Fine"), "yes");
}

TEST(SecurityHeadersStageTest, AppliesToEveryResponseOfTheRoute) {
  for (unsigned status : {200u, 404u, 502u}) {
    const fake::ClientView client = through(helmet_like(), {{"Server", "origin"}}, status);
    EXPECT_EQ(client.status, status);
    EXPECT_EQ(client.field("X-Content-Type-Options"), "nosniff") << status;
    EXPECT_EQ(client.count("Server"), 0u) << status;
  }
}

TEST(SecurityHeadersStageTest, AppliesToTheGatewaysOwnResponses) {
  const pipeline::Chain chain = chain_with(make_security_headers_stage(helmet_like()));
  fake::FakeRequest request;
  fake::FakeDownstream downstream;
  fake::FakeUpstream failing;
  failing.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "no upstream"};
  fake::run_pipeline(chain, request, downstream, failing);
  EXPECT_EQ(downstream.client.status, 502u);
  EXPECT_EQ(downstream.client.field("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(downstream.client.field("Content-Type"), "application/json");

  // A local answer of a later stage (a preflight's, a 429...).
  config::CorsConfig cors;
  cors.enabled = true;
  cors.allow_origins = {"https://app.example"};
  const pipeline::Chain with_cors =
      chain_with(make_security_headers_stage(helmet_like()), make_cors_stage(cors));
  fake::FakeRequest preflight(
      "OPTIONS", "/",
      {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  fake::FakeDownstream preflight_downstream;
  fake::FakeUpstream unused;
  fake::run_pipeline(with_cors, preflight, preflight_downstream, unused);
  EXPECT_EQ(preflight_downstream.client.status, 204u);
  EXPECT_EQ(preflight_downstream.client.field("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(preflight_downstream.client.field("Access-Control-Allow-Origin"),
            "https://app.example");
}

TEST(SecurityHeadersStageTest, AppliesToStoredResponses) {
  auto entry = std::make_shared<fake::FakeStored>(200,
                                                  Fields{{"Content-Type", "text/plain"},
                                                         {"Server", "origin/1.0"},
                                                         {"X-Frame-Options", "ALLOWALL"}},
                                                  "stored");
  const pipeline::Chain chain = chain_with(make_security_headers_stage(helmet_like()),
                                           std::make_unique<fake::StoredAnswerStage>(entry));
  fake::FakeRequest request;
  fake::FakeDownstream downstream;
  fake::FakeUpstream unused;
  fake::run_pipeline(chain, request, downstream, unused);
  const fake::ClientView& client = downstream.client;
  EXPECT_TRUE(unused.received.empty());
  EXPECT_EQ(client.status, 200u);
  EXPECT_EQ(client.count("Server"), 0u);
  EXPECT_EQ(client.count("X-Frame-Options"), 1u);
  EXPECT_EQ(client.field("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(client.field("Content-Type"), "text/plain");
  EXPECT_EQ(client.body, "stored");
}

}  // namespace
}  // namespace centinela::security
