// Secrets read from files (`admin.token_file`, `identity.jwt.hs256_secret_file`,
// `identity.api_keys.keys_file`, `redis.password_file`): trailing line breaks
// stripped, relative paths beside the config, inline and file both an error,
// unreadable files errors at the key, world-readable files a warning.
#include <gtest/gtest.h>

#include <string>

#include "config/loading.h"
#include "config_dir.h"

namespace centinela::config {
namespace {

using testing::ConfigDir;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes

// A load and the warnings it found.
struct Loaded : LoadResult {
  std::vector<ConfigError> warnings;
};

Loaded load(const std::string& path, const LoadOptions& options = {}) {
  Loaded loaded;
  static_cast<LoadResult&>(loaded) = load_file(path, options, loaded.warnings);
  return loaded;
}

std::string all(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& error : errors) out += error.to_string() + "\n";
  return out;
}

TEST(SecretsTest, AdminTokenFromAFileWithoutItsTrailingNewline) {
  ConfigDir dir;
  dir.write("secrets/admin-token", "s3cret-token\n");
  const std::string path =
      dir.write("centinela.yaml",
                "admin:\n  listen: \"127.0.0.1:9901\"\n  token_file: secrets/admin-token\n");
  Loaded result = load(path);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(result.config->admin.token, "s3cret-token");
  EXPECT_TRUE(result.warnings.empty()) << all(result.warnings);
}

TEST(SecretsTest, AWorldReadableSecretFileIsAWarningNotAnError) {
  ConfigDir dir;
  const std::string token = dir.write("token", "s3cret-token\r\n", 0644);
  const std::string path = dir.write("centinela.yaml", "admin:\n  token_file: token\n");
  Loaded result = load(path);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(result.config->admin.token, "s3cret-token");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].to_string(),
            path + ":2:15: warning: admin.token_file: '" + token +
                "' is readable by every user (mode 0644); restrict it, e.g. chmod 600");
}

TEST(SecretsTest, InlineAndFileTogetherIsAnError) {
  ConfigDir dir;
  dir.write("token", "s3cret-token");
  dir.write("jwt", kSecret);
  const std::string path = dir.write("centinela.yaml",
                                     "admin:\n"
                                     "  token: abc\n"
                                     "  token_file: token\n"
                                     "identity:\n"
                                     "  jwt:\n"
                                     "    hs256_secret: \"" +
                                         std::string(kSecret) +
                                         "\"\n"
                                         "    hs256_secret_file: jwt\n");
  Loaded result = load(path);
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(),
            path + ":3:15: admin.token_file: give either token or token_file, not both");
  EXPECT_EQ(result.errors[1].to_string(),
            path + ":7:24: identity.jwt.hs256_secret_file: give either hs256_secret or " +
                "hs256_secret_file, not both");
}

TEST(SecretsTest, MissingEmptyAndDirectoryFilesAreErrorsAtTheKey) {
  ConfigDir dir;
  dir.write("empty", "\n");
  dir.write("sub/x", "x");
  const std::string path = dir.write("centinela.yaml",
                                     "admin:\n  token_file: nope\n"
                                     "redis:\n  password_file: empty\n"
                                     "identity:\n  jwt: {hs256_secret_file: sub}\n");
  Loaded result = load(path);
  ASSERT_EQ(result.errors.size(), 3u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(),
            path + ":2:15: admin.token_file: cannot open '" + dir.path("nope") + "'");
  EXPECT_EQ(result.errors[1].to_string(),
            path + ":4:18: redis.password_file: '" + dir.path("empty") + "' is empty");
  EXPECT_EQ(result.errors[2].to_string(), path + ":6:28: identity.jwt.hs256_secret_file: '" +
                                              dir.path("sub") + "' is a directory");
}

TEST(SecretsTest, Hs256SecretFromAFileIsHeldToTheSameMinimum) {
  ConfigDir dir;
  dir.write("good", std::string(kSecret) + "\n");
  dir.write("short", "too-short\n");
  Loaded good = load(dir.write("good.yaml", "identity:\n  jwt: {hs256_secret_file: good}\n"));
  ASSERT_TRUE(good.errors.empty()) << all(good.errors);
  EXPECT_EQ(good.config->identity->jwt->hs256_secret, kSecret);

  Loaded bad = load(dir.write("bad.yaml", "identity:\n  jwt: {hs256_secret_file: short}\n"));
  ASSERT_EQ(bad.errors.size(), 1u) << all(bad.errors);
  EXPECT_NE(bad.errors[0].message.find("must be at least 32 bytes"), std::string::npos);
  EXPECT_EQ(bad.errors[0].message.find("too-short"), std::string::npos);  // never echoed
}

TEST(SecretsTest, RedisPasswordFromAFileOrTheUrlNotBoth) {
  ConfigDir dir;
  dir.write("redis-password", "p@ss word\n");
  Loaded good = load(dir.write(
      "good.yaml", "redis:\n  url: redis://127.0.0.1:6380/1\n  password_file: redis-password\n"));
  ASSERT_TRUE(good.errors.empty()) << all(good.errors);
  EXPECT_EQ(good.config->redis->password, "p@ss word");
  EXPECT_EQ(good.config->redis->port, 6380);

  Loaded both = load(dir.write(
      "both.yaml", "redis:\n  url: redis://:pw@127.0.0.1\n  password_file: redis-password\n"));
  ASSERT_EQ(both.errors.size(), 1u) << all(both.errors);
  EXPECT_NE(both.errors[0].message.find("the url has a password already"), std::string::npos);
}

TEST(SecretsTest, ApiKeysFromAYamlFileOfKeyToUser) {
  ConfigDir dir;
  dir.write("keys.yaml",
            "# rotated by the deploy job\n"
            "k_live_123: alice\n"
            "k_live_456: bob\n");
  Loaded result =
      load(dir.write("centinela.yaml", "identity:\n  api_keys: {keys_file: keys.yaml}\n"));
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  const auto& keys = result.config->identity->api_keys->keys;
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.at("k_live_123"), "alice");
  EXPECT_EQ(keys.at("k_live_456"), "bob");
}

TEST(SecretsTest, ProblemsInAKeysFileAreReportedAtItsOwnLines) {
  ConfigDir dir;
  const std::string keys = dir.write("keys.yaml",
                                     "k_live_123: alice\n"
                                     "bad key: bob\n"
                                     "k_live_123: carol\n");
  const std::string path =
      dir.write("centinela.yaml", "identity:\n  api_keys: {keys_file: keys.yaml}\n");
  Loaded result = load(path);
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(),
            keys +
                ":2:1: api keys: a key must be 1 to 1024 visible ASCII characters (no spaces "
                "or control characters)");
  EXPECT_EQ(result.errors[1].to_string(), keys + ":3:1: api keys: this key is listed twice");

  Loaded both = load(
      dir.write("both.yaml", "identity:\n  api_keys: {keys: {k1: a}, keys_file: keys.yaml}\n"));
  ASSERT_EQ(both.errors.size(), 1u) << all(both.errors);
  EXPECT_NE(both.errors[0].message.find("give either keys or keys_file"), std::string::npos);
}

TEST(SecretsTest, FileNamesMayComeFromTheEnvironment) {
  ConfigDir dir;
  const std::string token = dir.write("token", "from-env-path\n");
  LoadOptions options;
  options.environment = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "TOKEN_FILE") return token;
    return std::nullopt;
  };
  Loaded result =
      load(dir.write("centinela.yaml", "admin:\n  token_file: ${TOKEN_FILE}\n"), options);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(result.config->admin.token, "from-env-path");
}

}  // namespace
}  // namespace centinela::config
