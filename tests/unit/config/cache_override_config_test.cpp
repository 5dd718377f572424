// A route's `cache.override`: what it reads, what it refuses, and the
// warnings `check` prints for cached routes whose identity set-up cannot work.
#include <gtest/gtest.h>

#include "config/loading.h"
#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;

std::string with_cache(const std::string& cache, const std::string& extra = "") {
  return "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n" + extra +
         "routes:\n  - {match: {prefix: /}, upstream: api,\n     cache: " + cache + "}\n";
}

// The warnings a load finds, as `check` prints them.
std::vector<std::string> warnings_of(const std::string& yaml) {
  std::vector<ConfigError> warnings;
  const LoadResult result = load_string(yaml, "t.yaml", {}, warnings);
  EXPECT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  std::vector<std::string> out;
  for (const ConfigError& warning : warnings) out.push_back(warning.to_string());
  return out;
}

constexpr const char* kJwt =
    "identity: {jwt: {hs256_secret: \"0123456789abcdef0123456789abcdef\"}}\n";

TEST(CacheOverrideConfigTest, AbsentItChangesNothing) {
  const Config config = load_ok(with_cache("{ttl: 1m}"));
  const CacheOverrideConfig& rules = config.routes[0].cache.overrides;
  EXPECT_FALSE(rules.ignore_cache_control || rules.ignore_expires || rules.ignore_set_cookie);
  EXPECT_TRUE(rules.ttl_by_status.empty());
  EXPECT_EQ(rules.authorization, CacheAuthorization::standard);
  EXPECT_TRUE(config.routes[0].cache.key.empty());
}

TEST(CacheOverrideConfigTest, ReadsIgnoreTtlsMostSpecificFirstAndPerUser) {
  const Config config = load_ok(with_cache(
      "{override: {ignore: [Cache-Control, expires, set-cookie], ttl_by_status: {any: 0s, "
      "\"2xx\": 5m, \"404\": 30s}, authorization: per_user}}",
      kJwt));
  const CacheConfig& cache = config.routes[0].cache;
  EXPECT_TRUE(cache.overrides.ignore_cache_control);
  EXPECT_TRUE(cache.overrides.ignore_expires);
  EXPECT_TRUE(cache.overrides.ignore_set_cookie);
  ASSERT_EQ(cache.overrides.ttl_by_status.size(), 3u);
  EXPECT_EQ(cache.overrides.ttl_by_status[0].status, "404");
  EXPECT_EQ(cache.overrides.ttl_by_status[0].ttl, std::chrono::seconds(30));
  EXPECT_EQ(cache.overrides.ttl_by_status[1].status, "2xx");
  EXPECT_EQ(cache.overrides.ttl_by_status[2].status, "any");
  EXPECT_EQ(cache.overrides.authorization, CacheAuthorization::per_user);
  // per_user keys the entry on the user (once, however it is written).
  EXPECT_EQ(cache.key, std::vector<std::string>{"user"});
  EXPECT_EQ(load_ok(with_cache("{key: [user], override: {authorization: per_user}}", kJwt))
                .routes[0]
                .cache.key,
            std::vector<std::string>{"user"});
}

TEST(CacheOverrideConfigTest, BadValuesAreErrorsAtTheirPlace) {
  EXPECT_EQ(problems(with_cache("{override: {ignore: [vary]}}")),
            std::vector<std::string>{
                "t.yaml:4:34: routes[0].cache.override.ignore: cannot ignore 'vary', expected "
                "cache-control, expires or set-cookie"});
  EXPECT_EQ(problems(with_cache("{override: {ttl_by_status: {\"6xx\": 1m, \"20\": 1m}}}")),
            (std::vector<std::string>{
                "t.yaml:4:41: routes[0].cache.override.ttl_by_status: '6xx' is not a status "
                "(\"404\"), a class (\"4xx\") or any",
                "t.yaml:4:52: routes[0].cache.override.ttl_by_status: '20' is not a status "
                "(\"404\"), a class (\"4xx\") or any"}));
  EXPECT_EQ(problems(with_cache("{override: {ttl_by_status: {\"404\": soon}}}")).size(), 1u);
  EXPECT_EQ(problems(with_cache("{override: {authorization: everyone}}")),
            std::vector<std::string>{"t.yaml:4:40: routes[0].cache.override.authorization: "
                                     "expected standard or per_user, got 'everyone'"});
  EXPECT_EQ(
      problems(with_cache("{store_set_cookie: true, override: {ignore: [set-cookie]}}")).size(),
      1u);
  EXPECT_EQ(problems(with_cache("{override: {ignor: [expires]}}")).size(), 1u);
}

TEST(CacheOverrideConfigTest, AUserKeyWithoutIdentityIsAWarning) {
  EXPECT_EQ(warnings_of(with_cache("{key: [user]}")),
            std::vector<std::string>{
                "t.yaml:4:19: warning: this route keys its cache on `user`, but no `identity` "
                "(jwt or api_keys) names one: every client shares one entry"});
  const auto per_user = warnings_of(with_cache("{override: {authorization: per_user}}"));
  ASSERT_EQ(per_user.size(), 1u);
  EXPECT_NE(per_user[0].find("warning: this route caches per user, but no `identity`"),
            std::string::npos)
      << per_user[0];
  // Loading still succeeds: `check` exits 0 and shows the warning.
  EXPECT_TRUE(load_string(with_cache("{key: [user]}"), "t.yaml").config.has_value());
}

TEST(CacheOverrideConfigTest, CredentialsNothingStoresAreAWarning) {
  const auto warned = warnings_of(with_cache("{ttl: 1m}", kJwt));
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_EQ(warned[0].rfind("t.yaml:5:13: warning: clients of this cached route send credentials "
                            "(identity.jwt)",
                            0),
            0u)
      << warned[0];
  EXPECT_TRUE(warnings_of(with_cache("{override: {authorization: per_user}}", kJwt)).empty());
  EXPECT_TRUE(warnings_of(with_cache("{key: [user]}", kJwt)).empty());
  const std::string api_keys = "identity: {api_keys: {keys: {k1: alice}}}\n";
  EXPECT_EQ(warnings_of(with_cache("{}", api_keys)).size(), 1u);
  EXPECT_TRUE(warnings_of(with_cache("{key: [api_key]}", api_keys)).empty());
  // Routes that do not cache, and configs without identity, say nothing.
  EXPECT_TRUE(warnings_of(with_cache("off", kJwt)).empty());
  EXPECT_TRUE(warnings_of(with_cache("{}")).empty());
}

}  // namespace
}  // namespace centinela::config
