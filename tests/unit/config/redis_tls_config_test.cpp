// `redis.url` with rediss:// and ACL users, and `redis.tls`: what loads, the
// file:line errors for what does not, and what `check -T` shows (never a
// user or a password).
#include <gtest/gtest.h>

#include <string>

#include "config/effective_config.h"
#include "config/loading.h"
#include "config_dir.h"
#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::ConfigDir;
using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

TEST(RedisTlsConfig, RedissAloneMeansTlsWithTheDefaults) {
  Config config = load_ok("redis: \"rediss://cache.internal:6380/2\"\n");
  ASSERT_TRUE(config.redis);
  ASSERT_TRUE(config.redis->tls);
  EXPECT_TRUE(config.redis->tls->verify);
  EXPECT_EQ(config.redis->tls->ca, "");   // the system's CAs
  EXPECT_EQ(config.redis->tls->sni, "");  // the host
  EXPECT_EQ(config.redis->tls->client_cert, "");
  EXPECT_EQ(config.redis->tls->line, 1u);
  EXPECT_EQ(config.redis->host, "cache.internal");
  EXPECT_EQ(config.redis->port, 6380);
  EXPECT_EQ(config.redis->db, 2u);
}

TEST(RedisTlsConfig, CleartextHasNoTls) {
  Config config = load_ok("redis: {url: \"redis://127.0.0.1:6379/0\"}\n");
  ASSERT_TRUE(config.redis);
  EXPECT_FALSE(config.redis->tls);
}

TEST(RedisTlsConfig, UsersAndPasswordsArePercentDecoded) {
  Config config = load_ok("redis: {url: \"rediss://app%3Aone:p%40ss%2Fw@127.0.0.1:6390\"}\n");
  EXPECT_EQ(config.redis->username, "app:one");
  EXPECT_EQ(config.redis->password, "p@ss/w");
  EXPECT_EQ(config.redis->port, 6390);

  // Redis's implicit user: AUTH with the password alone, as before ACLs.
  Config implicit = load_ok("redis: {url: \"redis://default:secret@127.0.0.1\"}\n");
  EXPECT_EQ(implicit.redis->username, "");
  EXPECT_EQ(implicit.redis->password, "secret");
  EXPECT_FALSE(implicit.redis->tls);
}

TEST(RedisTlsConfig, AUserTakesItsPasswordFromAFile) {
  ConfigDir dir;
  dir.write("pw", "from-file\n");
  std::vector<ConfigError> warnings;
  auto result =
      load_file(dir.write("c.yaml", "redis:\n  url: rediss://app@127.0.0.1\n  password_file: pw\n"),
                {}, warnings);
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->redis->username, "app");
  EXPECT_EQ(result.config->redis->password, "from-file");
}

TEST(RedisTlsConfig, TlsFilesAreTakenBesideTheConfig) {
  ConfigDir dir;
  dir.write("certs/ca.pem", "x");
  dir.write("certs/client.pem", "x");
  dir.write("certs/client.key", "x");
  std::vector<ConfigError> warnings;
  auto result = load_file(dir.write("c.yaml",
                                    "redis:\n"
                                    "  url: rediss://10.0.0.5:6380\n"
                                    "  tls:\n"
                                    "    ca: certs/ca.pem\n"
                                    "    sni: redis.internal\n"
                                    "    client_cert: certs/client.pem\n"
                                    "    client_key: certs/client.key\n"),
                          {}, warnings);
  ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  const TlsClientConfig& tls = *result.config->redis->tls;
  EXPECT_EQ(tls.ca, dir.path("certs/ca.pem"));
  EXPECT_EQ(tls.client_cert, dir.path("certs/client.pem"));
  EXPECT_EQ(tls.client_key, dir.path("certs/client.key"));
  EXPECT_EQ(tls.sni, "redis.internal");
  EXPECT_TRUE(tls.verify);
  EXPECT_EQ(tls.line, 4u);  // where the `tls` map starts, for check's reports
}

TEST(RedisTlsConfig, ErrorsNameTheLine) {
  EXPECT_EQ(problems("redis:\n  url: redis://127.0.0.1\n  tls: {verify: false}\n"),
            Problems{"t.yaml:3:8: redis.tls: needs a rediss:// url (redis.url: "
                     "rediss://host:port)"});
  EXPECT_EQ(problems("redis:\n  tls: {verify: false}\n"),
            Problems{"t.yaml:2:8: redis.tls: needs a rediss:// url (redis.url: "
                     "rediss://host:port)"});
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: {verfy: false}\n"),
            Problems{"t.yaml:3:9: unknown key 'verfy' in redis.tls (did you mean 'verify'?)"});
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: {ca: /nonexistent/ca.pem}\n"),
            Problems{"t.yaml:3:13: redis.tls.ca: cannot open '/nonexistent/ca.pem'"});
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: {ca: /}\n"),
            Problems{"t.yaml:3:13: redis.tls.ca: '/' is a directory"});
  EXPECT_EQ(
      problems("redis:\n  url: rediss://127.0.0.1\n  tls: {client_cert: /dev/null}\n"),
      Problems{"t.yaml:3:8: redis.tls: `client_cert` and `client_key` go together (PEM files)"});
  EXPECT_EQ(
      problems("redis:\n  url: rediss://127.0.0.1\n  tls: {client_key: /dev/null}\n"),
      Problems{"t.yaml:3:8: redis.tls: `client_cert` and `client_key` go together (PEM files)"});
  EXPECT_EQ(
      problems("redis:\n  url: rediss://127.0.0.1\n  tls: {verify: maybe}\n"),
      Problems{"t.yaml:3:17: redis.tls.verify: expected a boolean (true or false), got 'maybe'"});
  EXPECT_EQ(problems("redis: \"rediss://app@127.0.0.1\"\n"),
            Problems{"t.yaml:1:8: redis: a user needs a password (redis://user:password@host, "
                     "or redis.password_file)"});
  EXPECT_EQ(problems("redis: \"rediss://app:@127.0.0.1\"\n"),
            Problems{"t.yaml:1:8: redis: empty password in the redis url (expected "
                     "redis[s]://[[user]:password@]host[:port][/db])"});
  EXPECT_EQ(problems("redis: \"rediss://a%zz:b@127.0.0.1\"\n"),
            Problems{"t.yaml:1:8: redis: bad %-escape in the redis user or password"});
}

TEST(RedisTlsConfig, EffectiveConfigMasksTheUserAndPassword) {
  ConfigDir dir;
  dir.write("ca.pem", "x");
  std::vector<ConfigError> warnings;
  auto result = load_file(dir.write("c.yaml",
                                    "redis:\n"
                                    "  url: rediss://appuser:hunter2@127.0.0.1:6390/1\n"
                                    "  tls: {ca: ca.pem, sni: redis.internal}\n"),
                          {}, warnings);
  ASSERT_TRUE(result.config);
  const std::string yaml = effective_config_yaml(*result.config);
  EXPECT_EQ(yaml.find("appuser"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("hunter2"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("rediss://***:***@127.0.0.1:6390/1"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find(dir.path("ca.pem")), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("redis.internal"), std::string::npos) << yaml;
}

// redis.tls is read like upstreams.NAME.tls: `true` for the defaults, SNI a
// host name; `false` cannot turn off what the rediss:// scheme asked for.
TEST(RedisTlsConfig, ReadLikeUpstreamTls) {
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: true\n"), Problems{});
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: false\n"),
            Problems{"t.yaml:3:8: redis.tls: false contradicts the rediss:// url"});
  EXPECT_EQ(problems("redis:\n  url: rediss://127.0.0.1\n  tls: {sni: 10.0.0.1}\n"),
            Problems{"t.yaml:3:14: redis.tls.sni: '10.0.0.1' is not a host name (SNI carries "
                     "names, not addresses)"});
}

}  // namespace
}  // namespace centinela::config
