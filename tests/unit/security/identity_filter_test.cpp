#include "security/identity_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "jwt_test_tokens.h"
#include "security/api_key_table.h"

namespace centinela::security {
namespace {

namespace http = proxy::http;
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
  proxy::RequestHead request;
  proxy::RequestContext ctx{.request = request};

  Exchange() {
    request.method(http::verb::get);
    request.target("/api/items");
    ctx.request_id = "req-42";
  }
  Exchange& header(std::string_view name, std::string_view value) {
    request.insert(name, value);
    return *this;
  }
  Exchange& bearer(std::string_view token) {
    return header("Authorization", "Bearer " + std::string(token));
  }
};

proxy::FilterStatus run(const config::IdentityConfig& config, Exchange& exchange) {
  auto filter = make_identity_filter(config, &fixed_clock);
  EXPECT_NE(filter, nullptr);
  return filter->on_request(exchange.ctx);
}

TEST(IdentityFilterTest, NothingConfiguredMakesNoFilter) {
  EXPECT_EQ(make_identity_filter(config::IdentityConfig{}), nullptr);
}

TEST(IdentityFilterTest, AValidBearerTokenSetsTheUser) {
  Exchange exchange;
  exchange.bearer(token_for("alice"));
  EXPECT_EQ(run(jwt_config(), exchange), proxy::FilterStatus::Continue);
  EXPECT_EQ(exchange.ctx.user, "alice");
  EXPECT_FALSE(exchange.ctx.local_response);
  // The credential still reaches the upstream.
  EXPECT_EQ(exchange.request[http::field::authorization], "Bearer " + token_for("alice"));
}

TEST(IdentityFilterTest, TheSchemeIsCaseInsensitive) {
  Exchange exchange;
  exchange.header("Authorization", "bEaReR   " + token_for("alice") + "  ");
  run(jwt_config(), exchange);
  EXPECT_EQ(exchange.ctx.user, "alice");
}

TEST(IdentityFilterTest, InvalidTokensLeaveNoIdentityAndPass) {
  for (const std::string& value :
       {"Bearer " + token_for("alice", kNow - 3600), "Bearer " + token_for("alice") + "x",
        "Bearer " + hs256_token(R"({"sub":"alice","exp":1800000000})",
                                "another-secret-of-at-least-32-bytes!"),
        std::string("Bearer "), std::string("Bearer not.a.jwt"), "Basic " + token_for("alice"),
        token_for("alice"), "Bearer " + std::string(20000, 'a')}) {
    Exchange exchange;
    exchange.header("Authorization", value);
    EXPECT_EQ(run(jwt_config(), exchange), proxy::FilterStatus::Continue) << value;
    EXPECT_TRUE(exchange.ctx.user.empty()) << value;
    EXPECT_FALSE(exchange.ctx.local_response);
  }
}

TEST(IdentityFilterTest, TwoAuthorizationFieldsAreAmbiguous) {
  Exchange exchange;
  exchange.bearer(token_for("alice")).bearer(token_for("mallory"));
  run(jwt_config(), exchange);
  EXPECT_TRUE(exchange.ctx.user.empty());
}

TEST(IdentityFilterTest, RS256TokensSetTheUser) {
  auto key = generate_rsa();
  config::IdentityConfig config;
  config.jwt.emplace();
  config.jwt->rs256_public_key_pem = public_pem(key.get());
  Exchange exchange;
  exchange.bearer(rs256_token(R"({"sub":"carol","exp":1800000000})", key.get()));
  run(config, exchange);
  EXPECT_EQ(exchange.ctx.user, "carol");
}

TEST(IdentityFilterTest, TokenFromACustomHeaderWithOrWithoutScheme) {
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

TEST(IdentityFilterTest, TokenFromACookie) {
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

TEST(IdentityFilterTest, AKnownApiKeyNamesItsUser) {
  Exchange exchange;
  exchange.header("X-Api-Key", " k_live_456 ");
  EXPECT_EQ(run(with_api_keys(), exchange), proxy::FilterStatus::Continue);
  EXPECT_EQ(exchange.ctx.api_key, "k_live_456");
  EXPECT_EQ(exchange.ctx.user, "bob");
}

TEST(IdentityFilterTest, AnUnknownApiKeyIsKeptButNamesNoUser) {
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

TEST(IdentityFilterTest, ImplausibleApiKeysAreNotKeys) {
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

TEST(IdentityFilterTest, AJwtUserWinsOverAnApiKeyUser) {
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

TEST(IdentityFilterTest, ACustomApiKeyHeader) {
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

TEST(IdentityFilterTest, RequiredAnswers401WithoutAToken) {
  Exchange exchange;
  ASSERT_EQ(run(required_config(), exchange), proxy::FilterStatus::Respond);
  ASSERT_TRUE(exchange.ctx.local_response);
  const proxy::LocalResponse& response = *exchange.ctx.local_response;
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(response.headers[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(response.headers[http::field::content_type], "application/json");
  EXPECT_NE(response.body.find(R"("code":"UNAUTHORIZED")"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find(R"("request_id":"req-42")"), std::string::npos) << response.body;
}

TEST(IdentityFilterTest, RequiredAnswers401ToABadToken) {
  Exchange exchange;
  exchange.bearer(token_for("alice", kNow - 3600));
  ASSERT_EQ(run(required_config(), exchange), proxy::FilterStatus::Respond);
  const proxy::LocalResponse& response = *exchange.ctx.local_response;
  EXPECT_EQ(response.status, 401u);
  const std::string challenge(response.headers[http::field::www_authenticate]);
  EXPECT_TRUE(challenge.starts_with(R"(Bearer error="invalid_token")")) << challenge;
  EXPECT_NE(response.body.find("token expired"), std::string::npos) << response.body;
  EXPECT_TRUE(exchange.ctx.user.empty());

  // A valid API key does not rescue a forged token.
  Exchange with_key;
  with_key.header("Authorization", "Bearer x.y.z").header("X-Api-Key", "k_live_123");
  EXPECT_EQ(run(required_config(), with_key), proxy::FilterStatus::Respond);
  EXPECT_TRUE(with_key.ctx.user.empty());
}

TEST(IdentityFilterTest, RequiredLetsIdentifiedRequestsThrough) {
  Exchange token;
  token.bearer(token_for("alice"));
  EXPECT_EQ(run(required_config(), token), proxy::FilterStatus::Continue);
  EXPECT_EQ(token.ctx.user, "alice");

  Exchange key;
  key.header("X-Api-Key", "k_live_456");
  EXPECT_EQ(run(required_config(), key), proxy::FilterStatus::Continue);
  EXPECT_EQ(key.ctx.user, "bob");

  Exchange unknown_key;
  unknown_key.header("X-Api-Key", "k_live_000");
  EXPECT_EQ(run(required_config(), unknown_key), proxy::FilterStatus::Respond);
}

TEST(IdentityFilterTest, RequiredLetsCorsPreflightsThrough) {
  Exchange preflight;
  preflight.request.method(http::verb::options);
  preflight.header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET");
  EXPECT_EQ(run(required_config(), preflight), proxy::FilterStatus::Continue);

  Exchange plain_options;
  plain_options.request.method(http::verb::options);
  EXPECT_EQ(run(required_config(), plain_options), proxy::FilterStatus::Respond);
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
