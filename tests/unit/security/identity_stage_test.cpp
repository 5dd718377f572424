#include "security/identity_stage.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_exchange.h"
#include "jwt_test_tokens.h"
#include "security/api_key_table.h"

namespace centinela::security {
namespace {

namespace http = stage::http;
using stage::RequestVerdict;
using Kind = stage::RequestVerdict::Kind;
using testing::generate_rsa;
using testing::hs256_token;
using testing::public_pem;
using testing::rs256_token;

constexpr std::int64_t kNow = 1'700'000'000;
std::int64_t fixed_clock() { return kNow; }

const std::string kSecret = "an-hs256-secret-of-at-least-32-bytes!";

std::string token_for(std::string_view sub, std::int64_t exp = kNow + 600) {
  return hs256_token(R"({"sub":")" + std::string(sub) + R"(","exp":)" + std::to_string(exp) + "}",
                     kSecret);
}

config::IdentityConfig jwt_config() {
  config::IdentityConfig config;
  config.jwt.emplace();
  config.jwt->hs256_secret = kSecret;
  return config;
}

config::IdentityConfig with_api_keys(config::IdentityConfig config = {}) {
  config.api_keys.emplace();
  config.api_keys->keys = {{"k_live_123", "alice"}, {"k_live_456", "bob"}};
  return config;
}

struct Exchange {
  centinela::testing::FakeRequest fake{"GET", "/api/items"};
  stage::RequestHead& request = fake.head;
  stage::RequestContext& ctx = fake.ctx;

  Exchange() { ctx.request_id = "req-42"; }
  Exchange& header(std::string_view name, std::string_view value) {
    request.insert(name, value);
    return *this;
  }
  Exchange& bearer(std::string_view token) {
    return header("Authorization", "Bearer " + std::string(token));
  }
};

RequestVerdict run(const config::IdentityConfig& config, Exchange& exchange) {
  auto identity = make_identity_stage(config, &fixed_clock);
  EXPECT_NE(identity, nullptr);
  return identity->on_request_head(exchange.ctx);
}

TEST(IdentityStageTest, NothingConfiguredMakesNoStage) {
  EXPECT_EQ(make_identity_stage(config::IdentityConfig{}), nullptr);
}

TEST(IdentityStageTest, AValidBearerTokenSetsTheUser) {
  Exchange exchange;
  exchange.bearer(token_for("alice"));
  EXPECT_EQ(run(jwt_config(), exchange).kind(), Kind::proceed);
  EXPECT_EQ(exchange.ctx.user, "alice");
  // The credential still reaches the upstream.
  EXPECT_EQ(exchange.request[http::field::authorization], "Bearer " + token_for("alice"));
}

TEST(IdentityStageTest, TheSchemeIsCaseInsensitive) {
  Exchange exchange;
  exchange.header("Authorization", "bEaReR   " + token_for("alice") + "  ");
  run(jwt_config(), exchange);
  EXPECT_EQ(exchange.ctx.user, "alice");
}

TEST(IdentityStageTest, InvalidTokensLeaveNoIdentityAndPass) {
  for (const std::string& value :
       {"Bearer " + token_for("alice", kNow - 3600), "Bearer " + token_for("alice") + "x",
        "Bearer " + hs256_token(R"({"sub":"alice","exp":1800000000})",
                                "another-secret-of-at-least-32-bytes!"),
        std::string("Bearer "), std::string("Bearer not.a.jwt"), "Basic " + token_for("alice"),
        token_for("alice"), "Bearer " + std::string(20000, 'a')}) {
    Exchange exchange;
    exchange.header("Authorization", value);
    EXPECT_EQ(run(jwt_config(), exchange).kind(), Kind::proceed) << value;
    EXPECT_TRUE(exchange.ctx.user.empty()) << value;
  }
}

TEST(IdentityStageTest, TwoAuthorizationFieldsAreAmbiguous) {
  Exchange exchange;
  exchange.bearer(token_for("alice")).bearer(token_for("mallory"));
  run(jwt_config(), exchange);
  EXPECT_TRUE(exchange.ctx.user.empty());
}

TEST(IdentityStageTest, RS256TokensSetTheUser) {
  auto key = generate_rsa();
  config::IdentityConfig config;
  config.jwt.emplace();
  config.jwt->rs256_public_key_pem = public_pem(key.get());
  Exchange exchange;
  exchange.bearer(rs256_token(R"({"sub":"carol","exp":1800000000})", key.get()));
  run(config, exchange);
  EXPECT_EQ(exchange.ctx.user, "carol");
}

TEST(IdentityStageTest, TokenFromACustomHeaderWithOrWithoutScheme) {
  config::IdentityConfig config = jwt_config();
  config.jwt->header = "x-token";
  Exchange bare;
  bare.header("X-Token", token_for("alice"));
  run(config, bare);
  EXPECT_EQ(bare.ctx.user, "alice");
  Exchange with_scheme;
  with_scheme.header("X-Token", "Bearer " + token_for("bob"));
  run(config, with_scheme);
  EXPECT_EQ(with_scheme.ctx.user, "bob");
  Exchange authorization_ignored;
  authorization_ignored.bearer(token_for("alice"));
  run(config, authorization_ignored);
  EXPECT_TRUE(authorization_ignored.ctx.user.empty());
}

TEST(IdentityStageTest, TokenFromACookie) {
  config::IdentityConfig config = jwt_config();
  config.jwt->cookie = "session";
  Exchange exchange;
  exchange.header("Cookie", "theme=dark; session=" + token_for("alice") + "; lang=en");
  run(config, exchange);
  EXPECT_EQ(exchange.ctx.user, "alice");

  Exchange quoted;
  quoted.header("Cookie", "a=b").header("Cookie", "session=\"" + token_for("bob") + "\"");
  run(config, quoted);
  EXPECT_EQ(quoted.ctx.user, "bob");

  Exchange similar_name;
  similar_name.header("Cookie", "xsession=" + token_for("alice") + "; Session=" + token_for("x"));
  run(config, similar_name);
  EXPECT_TRUE(similar_name.ctx.user.empty());
}

TEST(IdentityStageTest, AKnownApiKeyNamesItsUser) {
  Exchange exchange;
  exchange.header("X-Api-Key", " k_live_456 ");
  EXPECT_EQ(run(with_api_keys(), exchange).kind(), Kind::proceed);
  EXPECT_EQ(exchange.ctx.api_key, "k_live_456");
  EXPECT_EQ(exchange.ctx.user, "bob");
}

TEST(IdentityStageTest, AnUnknownApiKeyIsKeptButNamesNoUser) {
  Exchange exchange;
  exchange.header("X-Api-Key", "k_live_999");
  run(with_api_keys(), exchange);
  EXPECT_EQ(exchange.ctx.api_key, "k_live_999");
  EXPECT_TRUE(exchange.ctx.user.empty());

  Exchange prefix;
  prefix.header("X-Api-Key", "k_live_12");
  run(with_api_keys(), prefix);
  EXPECT_TRUE(prefix.ctx.user.empty());
}

TEST(IdentityStageTest, ImplausibleApiKeysAreNotKeys) {
  for (const std::string& value : {std::string(2000, 'k'), std::string("k_live_123 extra"),
                                   std::string("k\x01live"), std::string("   ")}) {
    Exchange exchange;
    exchange.header("X-Api-Key", value);
    run(with_api_keys(), exchange);
    EXPECT_TRUE(exchange.ctx.api_key.empty()) << value.size();
    EXPECT_TRUE(exchange.ctx.user.empty());
  }
  Exchange twice;
  twice.header("X-Api-Key", "k_live_123").header("X-Api-Key", "k_live_456");
  run(with_api_keys(), twice);
  EXPECT_TRUE(twice.ctx.api_key.empty());
  EXPECT_TRUE(twice.ctx.user.empty());
}

TEST(IdentityStageTest, AJwtUserWinsOverAnApiKeyUser) {
  Exchange exchange;
  exchange.bearer(token_for("carol")).header("X-Api-Key", "k_live_123");
  run(with_api_keys(jwt_config()), exchange);
  EXPECT_EQ(exchange.ctx.user, "carol");
  EXPECT_EQ(exchange.ctx.api_key, "k_live_123");

  Exchange bad_token;
  bad_token.bearer(token_for("carol", kNow - 3600)).header("X-Api-Key", "k_live_123");
  run(with_api_keys(jwt_config()), bad_token);
  EXPECT_EQ(bad_token.ctx.user, "alice");
}

TEST(IdentityStageTest, ACustomApiKeyHeader) {
  config::IdentityConfig config = with_api_keys();
  config.api_keys->header = "apikey";
  Exchange exchange;
  exchange.header("ApiKey", "k_live_123").header("X-Api-Key", "k_live_456");
  run(config, exchange);
  EXPECT_EQ(exchange.ctx.user, "alice");
}

config::IdentityConfig required_config() {
  config::IdentityConfig config = with_api_keys(jwt_config());
  config.jwt->required = true;
  return config;
}

TEST(IdentityStageTest, RequiredAnswers401WithoutAToken) {
  Exchange exchange;
  RequestVerdict verdict = run(required_config(), exchange);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  const stage::LocalResponse& response = verdict.local();
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(response.headers[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(response.headers[http::field::content_type], "application/json");
  EXPECT_NE(response.body.find(R"("code":"UNAUTHORIZED")"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find(R"("request_id":"req-42")"), std::string::npos) << response.body;
}

TEST(IdentityStageTest, RequiredAnswers401ToABadToken) {
  Exchange exchange;
  exchange.bearer(token_for("alice", kNow - 3600));
  RequestVerdict verdict = run(required_config(), exchange);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  const stage::LocalResponse& response = verdict.local();
  EXPECT_EQ(response.status, 401u);
  const std::string challenge(response.headers[http::field::www_authenticate]);
  EXPECT_TRUE(challenge.starts_with(R"(Bearer error="invalid_token")")) << challenge;
  EXPECT_NE(response.body.find("token expired"), std::string::npos) << response.body;
  EXPECT_TRUE(exchange.ctx.user.empty());

  // A valid API key does not rescue a forged token.
  Exchange with_key;
  with_key.header("Authorization", "Bearer x.y.z").header("X-Api-Key", "k_live_123");
  EXPECT_EQ(run(required_config(), with_key).kind(), Kind::respond);
  EXPECT_TRUE(with_key.ctx.user.empty());
}

TEST(IdentityStageTest, RequiredLetsIdentifiedRequestsThrough) {
  Exchange token;
  token.bearer(token_for("alice"));
  EXPECT_EQ(run(required_config(), token).kind(), Kind::proceed);
  EXPECT_EQ(token.ctx.user, "alice");

  Exchange key;
  key.header("X-Api-Key", "k_live_456");
  EXPECT_EQ(run(required_config(), key).kind(), Kind::proceed);
  EXPECT_EQ(key.ctx.user, "bob");

  Exchange unknown_key;
  unknown_key.header("X-Api-Key", "k_live_000");
  EXPECT_EQ(run(required_config(), unknown_key).kind(), Kind::respond);
}

TEST(IdentityStageTest, RequiredLetsCorsPreflightsThrough) {
  Exchange preflight;
  preflight.request.method(http::verb::options);
  preflight.header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET");
  EXPECT_EQ(run(required_config(), preflight).kind(), Kind::proceed);

  Exchange plain_options;
  plain_options.request.method(http::verb::options);
  EXPECT_EQ(run(required_config(), plain_options).kind(), Kind::respond);
}

// --- through a chain: what the client and the upstream see -----------------

struct ChainRun {
  ChainRun(const config::IdentityConfig& config,
           std::vector<std::pair<std::string, std::string>> fields) {
    std::vector<std::unique_ptr<stage::Stage>> stages;
    stages.push_back(make_identity_stage(config, &fixed_clock));
    const pipeline::Chain chain(std::move(stages));
    centinela::testing::FakeRequest request("GET", "/api/items", std::move(fields));
    complete = centinela::testing::run_pipeline(chain, request, downstream, upstream);
    user = request.ctx.user;
    api_key = request.ctx.api_key;
  }
  centinela::testing::FakeDownstream downstream;
  centinela::testing::FakeUpstream upstream;
  bool complete = false;
  std::string user;
  std::string api_key;
};

TEST(IdentityStageChain, RequiredWithoutACredentialAnswers401AndNothingGoesUpstream) {
  ChainRun run(required_config(), {});
  const auto& client = run.downstream.client;
  EXPECT_TRUE(run.complete);
  EXPECT_TRUE(run.upstream.received.empty());
  EXPECT_EQ(client.status, 401u);
  EXPECT_EQ(client.field("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(client.field("Content-Type"), "application/json");
  EXPECT_EQ(client.field("X-Request-ID"), "test-request-id");
  EXPECT_NE(client.body.find(R"("code":"UNAUTHORIZED")"), std::string::npos) << client.body;
  EXPECT_NE(client.body.find(R"("request_id":"test-request-id")"), std::string::npos)
      << client.body;
}

TEST(IdentityStageChain, RequiredRefusesABadTokenWithTheReason) {
  ChainRun run(required_config(), {{"Authorization", "Bearer " + token_for("alice", kNow - 3600)}});
  const auto& client = run.downstream.client;
  EXPECT_TRUE(run.upstream.received.empty());
  EXPECT_EQ(client.status, 401u);
  const std::string challenge = client.field("WWW-Authenticate").value_or("");
  EXPECT_TRUE(challenge.starts_with(R"(Bearer error="invalid_token")")) << challenge;
  EXPECT_NE(client.body.find("token expired"), std::string::npos) << client.body;
  EXPECT_TRUE(run.user.empty());
}

TEST(IdentityStageChain, AnIdentifiedRequestReachesTheUpstreamWithItsCredential) {
  const std::string token = token_for("alice");
  ChainRun bearer(required_config(), {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(bearer.downstream.client.status, 200u);
  ASSERT_EQ(bearer.upstream.received.size(), 1u);
  EXPECT_EQ(bearer.upstream.received[0].field("Authorization"), "Bearer " + token);
  EXPECT_EQ(bearer.user, "alice");

  config::IdentityConfig cookie_config = required_config();
  cookie_config.jwt->cookie = "session";
  ChainRun cookie(cookie_config, {{"Cookie", "theme=dark; session=" + token_for("bob")}});
  EXPECT_EQ(cookie.downstream.client.status, 200u);
  EXPECT_EQ(cookie.upstream.received.size(), 1u);
  EXPECT_EQ(cookie.user, "bob");

  ChainRun key(required_config(), {{"X-Api-Key", "k_live_123"}});
  EXPECT_EQ(key.downstream.client.status, 200u);
  EXPECT_EQ(key.upstream.received.at(0).field("X-Api-Key"), "k_live_123");
  EXPECT_EQ(key.user, "alice");
  EXPECT_EQ(key.api_key, "k_live_123");
}

TEST(IdentityStageChain, NotRequiredABadTokenGoesUpstreamWithoutAUser) {
  ChainRun run(jwt_config(), {{"Authorization", "Bearer not.a.jwt"}});
  EXPECT_EQ(run.downstream.client.status, 200u);
  EXPECT_EQ(run.upstream.received.size(), 1u);
  EXPECT_TRUE(run.user.empty());
}

TEST(ApiKeyTableTest, FindsExactKeysOnly) {
  ApiKeyTable table({{"k_live_123", "alice"}, {"K_LIVE_123", "upper"}});
  ASSERT_NE(table.find("k_live_123"), nullptr);
  EXPECT_EQ(*table.find("k_live_123"), "alice");
  EXPECT_EQ(*table.find("K_LIVE_123"), "upper");
  EXPECT_EQ(table.find("k_live_12"), nullptr);
  EXPECT_EQ(table.find("k_live_1234"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
  EXPECT_EQ(table.find(std::string(5000, 'k')), nullptr);
  EXPECT_EQ(ApiKeyTable({}).find("k_live_123"), nullptr);
}

}  // namespace
}  // namespace centinela::security
