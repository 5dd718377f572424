// Client identity end to end: a verified JWT's `sub` or an API key's user is
// the access log's `user`; bad tokens give no identity (or 401 when the
// config requires one), and credentials never reach a log.
//
// The tokens are HS256, signed ahead of time with kSecret (this binary does
// not link a crypto library); valid ones expire in 2100.
#include "gateway_fixture.h"

namespace itest {
namespace {

constexpr const char* kSecret = "integration-test-secret-0123456789abcdef";
// {"sub":"alice@example","exp":4102444800}
constexpr const char* kAliceToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "8NRHiI9f_Be1NW4vw8sY8I8MJzop5B38omn7Uz1OXpQ";
// The same claims, expired in 2001.
constexpr const char* kExpiredToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjoxMDAwMDAwMDAwfQ."
    "OGXGC5EnGObyFW5CxBdWlQQFHiE743wSGRR6k0Z485A";
// Valid claims signed with another secret.
constexpr const char* kWrongKeyToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "GH0_p4l5jPklQ71M_UJ4lUYIi1SydPiCBrZSgKtvbJA";
// {"alg":"none"} with {"sub":"mallory","exp":4102444800} and no signature.
constexpr const char* kAlgNoneToken =
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
    "eyJzdWIiOiJtYWxsb3J5IiwiZXhwIjo0MTAyNDQ0ODAwfQ.";
// Correctly signed, {"sub":"mallory","exp":1e+300}.
constexpr const char* kAbsurdExpToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJtYWxsb3J5IiwiZXhwIjoxZSszMDB9."
    "D4kFcLhyLPBFu13LUvBtXyD9WOUZYGfX-sxRD1XVsdE";

class IdentityTest : public GatewayTest {
 protected:
  // The fixture's config with an `identity` section appended.
  ::testing::AssertionResult start_with_identity(bool required = false) {
    std::string yaml = config_.render();
    yaml += "identity:\n";
    yaml += fmt::format("  jwt: {{hs256_secret: \"{}\", required: {}}}\n", kSecret, required);
    yaml += "  api_keys: {keys: {\"k_live_123\": \"bob\"}}\n";
    write_config_file(yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  // The access-log `user` of the request `response` answered: a string, or
  // "(null)" when the field is null.
  std::string logged_user(const HttpResponse& response) {
    const std::string request_id = response.header("x-request-id").value_or("(none)");
    auto entry = wait_for_access_log(
        [&](const JsonValue& line) { return line.string_at("request_id") == request_id; });
    if (!entry) return "(no access-log line)";
    const JsonValue* user = entry->get("user");
    if (!user) return "(missing)";
    if (user->is_null()) return "(null)";
    return user->is_string() ? user->text : "(not a string)";
  }

  void expect_no_secret_in_logs(const std::string& secret) {
    EXPECT_EQ(access_log_text().find(secret), std::string::npos) << "in the access log";
    EXPECT_EQ(gateway_->stdout_text().find(secret), std::string::npos) << "on stdout";
    EXPECT_EQ(gateway_->stderr_text().find(secret), std::string::npos) << "on stderr";
  }
};

TEST_F(IdentityTest, JwtSubjectIsTheLoggedUser) {
  ASSERT_TRUE(start_with_identity());
  HttpResponse response = get("/me", {{"Authorization", std::string("Bearer ") + kAliceToken}});
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(logged_user(response), "alice@example");
  // The credential is the upstream's to see too.
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("authorization").value_or(""), std::string("Bearer ") + kAliceToken);
  expect_no_secret_in_logs(kAliceToken);
}

TEST_F(IdentityTest, BadTokensGiveNoIdentity) {
  ASSERT_TRUE(start_with_identity());
  for (const char* token : {kExpiredToken, kWrongKeyToken, kAlgNoneToken, kAbsurdExpToken}) {
    HttpResponse response = get("/me", {{"Authorization", std::string("Bearer ") + token}});
    ASSERT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(logged_user(response), "(null)") << token;
  }
  HttpResponse huge = get("/me", {{"Authorization", "Bearer " + std::string(12000, 'a')}});
  ASSERT_EQ(huge.status, 200) << huge.error;
  EXPECT_EQ(logged_user(huge), "(null)");
  HttpResponse none = get("/me");
  ASSERT_EQ(none.status, 200) << none.error;
  EXPECT_EQ(logged_user(none), "(null)");
}

TEST_F(IdentityTest, ApiKeyUserIsTheLoggedUser) {
  ASSERT_TRUE(start_with_identity());
  HttpResponse known = get("/me", {{"X-Api-Key", "k_live_123"}});
  ASSERT_EQ(known.status, 200) << known.error;
  EXPECT_EQ(logged_user(known), "bob");
  HttpResponse unknown = get("/me", {{"X-Api-Key", "k_live_999"}});
  ASSERT_EQ(unknown.status, 200) << unknown.error;
  EXPECT_EQ(logged_user(unknown), "(null)");
  // A verified token names the user even next to a known key.
  HttpResponse both = get("/me", {{"Authorization", std::string("Bearer ") + kAliceToken},
                                  {"X-Api-Key", "k_live_123"}});
  EXPECT_EQ(logged_user(both), "alice@example");
  expect_no_secret_in_logs("k_live_123");
  expect_no_secret_in_logs("k_live_999");
}

TEST_F(IdentityTest, RequiredIdentityAnswers401) {
  ASSERT_TRUE(start_with_identity(/*required=*/true));
  const std::size_t before = origin_.request_count();

  HttpResponse missing = get("/private");
  EXPECT_TRUE(is_gateway_error(missing, 401, "UNAUTHORIZED"));
  EXPECT_EQ(missing.header("www-authenticate").value_or(""), "Bearer");

  HttpResponse expired =
      get("/private", {{"Authorization", std::string("Bearer ") + kExpiredToken}});
  EXPECT_TRUE(is_gateway_error(expired, 401, "UNAUTHORIZED"));
  EXPECT_EQ(
      expired.header("www-authenticate").value_or("").rfind(R"(Bearer error="invalid_token")", 0),
      0u)
      << expired.header("www-authenticate").value_or("(none)");
  EXPECT_EQ(origin_.request_count(), before) << "a refused request reached the upstream";

  HttpResponse valid = get("/private", {{"Authorization", std::string("Bearer ") + kAliceToken}});
  EXPECT_EQ(valid.status, 200) << valid.error;
  HttpResponse key = get("/private", {{"X-Api-Key", "k_live_123"}});
  EXPECT_EQ(key.status, 200) << key.error;
  EXPECT_EQ(logged_user(key), "bob");
}

}  // namespace
}  // namespace itest
