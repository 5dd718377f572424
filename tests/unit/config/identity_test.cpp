// The `identity` section: JWT keys (the RS256 public key read and checked at
// load), API keys, and errors that never echo a secret.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;

constexpr const char* kRsa2048Public = R"(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1zk5PuojqemkZ00U7I5R
3SChQNmdb/GGKdBMP6RIuoSQVQnU4+vTraIfOtw/LK6FK0ZfxklurAUoXPvDPuVZ
WW5mmp3iffkGkszp3Sy5serW6l9p24GVv9wVeFuLJg7AaXml5TlKFfgChgF9zDrJ
RKvQlVCmmT3zP84cL4hs+tbH06dC54Rs0GNuYznnfMabIIIp76wAIAejQehqfVry
SLlwRmNXFes8K7MKCBTPQvg9OF4g8wAquQHD0YCaIuZofS20GNV9eUCTvSCm8BmE
lQXozyhXJyvO6wX33og0IBQ4WBbZeH4KzgcLr3jduWWjajZWogeXJ8oj+CRGZB4J
MwIDAQAB
-----END PUBLIC KEY-----
)";

constexpr const char* kRsa1024Public = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCwUG390OEPMmLndOwensJBMjf4
Ef31jJH8gXCDj271V8nBngfqW4t6EmuVe8v/VywJDTpjJ0WJo5bOmjr54fCrB38w
YjHZOEQc+oCOUxz7CTQGgdzkKdL49uWaxMcQfzzUK4FWFlproh91yGRvp3a8LBPQ
STqBzBvclFq9fTyJwQIDAQAB
-----END PUBLIC KEY-----
)";

constexpr const char* kEcP256Public = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEB91N97BxhZ8N7EqaX3k3bfq+DPyR
3jc+2iXBvl9DMD9Yhskka72yJiCdV7064yqXfVvOnNc0yWt7+xsU+Qk58w==
-----END PUBLIC KEY-----
)";

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes

// A private directory for key files, removed afterwards.
class KeyFiles {
 public:
  KeyFiles() {
    dir_ = std::filesystem::temp_directory_path() /
           ("centinela-identity-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~KeyFiles() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

 private:
  std::filesystem::path dir_;
};

TEST(IdentityConfigTest, AbsentMeansNoIdentity) {
  EXPECT_FALSE(load_ok("routes: []\n").identity.has_value());
}

TEST(IdentityConfigTest, ReadsJwtAndApiKeys) {
  KeyFiles files;
  const std::string key_path = files.write("pub.pem", kRsa2048Public);
  Config config = load_ok(std::string("identity:\n"
                                      "  jwt:\n"
                                      "    hs256_secret: \"") +
                          kSecret +
                          "\"\n"
                          "    rs256_public_key_file: " +
                          key_path +
                          "\n"
                          "    issuer: \"https://auth.example\"\n"
                          "    audience: api\n"
                          "    leeway: 5s\n"
                          "    header: X-Token\n"
                          "    required: true\n"
                          "  api_keys:\n"
                          "    header: X-Api-Key\n"
                          "    keys: {\"k_live_123\": \"alice\", \"k_live_456\": \"bob\"}\n");
  ASSERT_TRUE(config.identity);
  ASSERT_TRUE(config.identity->jwt);
  const JwtConfig& jwt = *config.identity->jwt;
  EXPECT_EQ(jwt.hs256_secret, kSecret);
  EXPECT_EQ(jwt.rs256_public_key_file, key_path);
  EXPECT_EQ(jwt.rs256_public_key_pem, kRsa2048Public);
  EXPECT_EQ(jwt.issuer, "https://auth.example");
  EXPECT_EQ(jwt.audience, "api");
  EXPECT_EQ(jwt.leeway, std::chrono::seconds(5));
  EXPECT_EQ(jwt.header, "x-token");
  EXPECT_TRUE(jwt.cookie.empty());
  EXPECT_TRUE(jwt.required);
  ASSERT_TRUE(config.identity->api_keys);
  EXPECT_EQ(config.identity->api_keys->header, "x-api-key");
  EXPECT_EQ(config.identity->api_keys->keys,
            (std::map<std::string, std::string>{{"k_live_123", "alice"}, {"k_live_456", "bob"}}));
}

TEST(IdentityConfigTest, Defaults) {
  Config config = load_ok(std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret +
                          "\"}\n  api_keys: {keys: {abc: carol}}\n");
  const JwtConfig& jwt = *config.identity->jwt;
  EXPECT_EQ(jwt.header, "authorization");
  EXPECT_EQ(jwt.leeway, std::chrono::seconds(30));
  EXPECT_FALSE(jwt.required);
  EXPECT_TRUE(jwt.issuer.empty());
  EXPECT_TRUE(jwt.audience.empty());
  EXPECT_TRUE(jwt.rs256_public_key_pem.empty());
  EXPECT_EQ(config.identity->api_keys->header, "x-api-key");
}

TEST(IdentityConfigTest, TokenFromACookie) {
  Config config = load_ok(std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret +
                          "\", cookie: session}\n");
  EXPECT_EQ(config.identity->jwt->cookie, "session");
}

TEST(IdentityConfigTest, RelativeKeyFileIsFoundBesideTheConfig) {
  KeyFiles files;
  files.write("pub.pem", kRsa2048Public);
  const std::string config_path =
      files.write("centinela.yaml", "identity:\n  jwt: {rs256_public_key_file: pub.pem}\n");
  LoadResult result = load_file(config_path);
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  EXPECT_EQ(result.config->identity->jwt->rs256_public_key_pem, kRsa2048Public);
}

TEST(IdentityConfigTest, UnreadableKeyFileIsAnErrorAtItsLine) {
  EXPECT_EQ(problems("identity:\n"
                     "  jwt:\n"
                     "    rs256_public_key_file: /nonexistent/centinela/pub.pem\n"),
            std::vector<std::string>{"t.yaml:3:28: identity.jwt.rs256_public_key_file: cannot open "
                                     "'/nonexistent/centinela/pub.pem'"});
}

TEST(IdentityConfigTest, InvalidKeyFilesAreErrors) {
  KeyFiles files;
  struct Case {
    std::string text;
    std::string expected;
  } cases[] = {
      {"hello\n", "is not a PEM public key"},
      {kRsa1024Public, "is a 1024-bit RSA key; at least 2048 bits are needed"},
      {kEcP256Public, "is not an RSA public key"},
      {"-----BEGIN PUBLIC KEY-----\nMIIB!!!\n-----END PUBLIC KEY-----\n", "invalid base64"},
      {"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----\n",
       "is not a valid public key"},
      {"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", "holds a private key"},
      {std::string(70 * 1024, 'A'), "is larger than 64KiB"},
  };
  for (const Case& c : cases) {
    const std::string path = files.write("key.pem", c.text);
    auto found = problems("identity:\n  jwt: {rs256_public_key_file: " + path + "}\n");
    ASSERT_EQ(found.size(), 1u) << c.expected;
    EXPECT_TRUE(found[0].starts_with("t.yaml:2:"));
    EXPECT_NE(found[0].find(c.expected), std::string::npos) << found[0];
  }
}

TEST(IdentityConfigTest, JwtNeedsAKey) {
  auto found = problems("identity:\n  jwt: {issuer: x}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("needs hs256_secret or rs256_public_key_file"), std::string::npos);
}

TEST(IdentityConfigTest, ShortSecretIsRefusedWithoutEchoingIt) {
  auto found = problems("identity:\n  jwt: {hs256_secret: \"tooshort-secret\"}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("t.yaml:2:23: identity.jwt.hs256_secret: must be at least 32 bytes", 0),
            0u)
      << found[0];
  EXPECT_EQ(found[0].find("tooshort-secret"), std::string::npos);
}

TEST(IdentityConfigTest, HeaderAndCookieTogetherIsAnError) {
  auto found = problems(std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret +
                        "\", header: x-token, cookie: session}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("either header or cookie"), std::string::npos);
}

TEST(IdentityConfigTest, UnknownKeysGetHints) {
  auto found = problems(std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret +
                        "\", audiance: api}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("did you mean 'audience'"), std::string::npos) << found[0];
  found = problems("identity: {api_key: {}}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("did you mean 'api_keys'"), std::string::npos) << found[0];
}

TEST(IdentityConfigTest, BadApiKeysAreErrorsThatNeverEchoTheKey) {
  auto found = problems(
      "identity:\n"
      "  api_keys:\n"
      "    keys:\n"
      "      \"secret key with spaces\": alice\n"
      "      good_key_1: \"\"\n"
      "      good_key_2: \"bad\\nuser\"\n");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_TRUE(found[0].starts_with("t.yaml:4:7:")) << found[0];
  EXPECT_NE(found[0].find("visible ASCII"), std::string::npos);
  EXPECT_TRUE(found[1].starts_with("t.yaml:5:19:")) << found[1];
  EXPECT_TRUE(found[2].starts_with("t.yaml:6:19:")) << found[2];
  for (const std::string& problem : found) {
    EXPECT_EQ(problem.find("secret key"), std::string::npos);
    EXPECT_EQ(problem.find("good_key"), std::string::npos);
  }
}

TEST(IdentityConfigTest, ApiKeysNeedKeys) {
  EXPECT_EQ(problems("identity:\n  api_keys: {header: x-key}\n").size(), 1u);
  EXPECT_EQ(problems("identity:\n  api_keys: {keys: {}}\n").size(), 1u);
  EXPECT_EQ(problems("identity:\n  api_keys: {keys: [a, b]}\n").size(), 1u);
}

TEST(IdentityConfigTest, InvalidHeaderNameIsAnError) {
  auto found = problems("identity:\n  api_keys: {header: \"x key\", keys: {a: b}}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("identity.api_keys.header"), std::string::npos);
}

}  // namespace
}  // namespace centinela::config
