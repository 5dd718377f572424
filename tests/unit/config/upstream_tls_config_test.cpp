// `upstreams.NAME.tls`: true for every default, a map of verify / ca / sni /
// client_cert / client_key, each mistake reported where it is written.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/effective_config.h"
#include "config_dir.h"
#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::ConfigDir;
using testing::load_ok;
using testing::problems;

std::string with_upstream(const std::string& body) {
  return "upstreams:\n  api: " + body + "\nroutes:\n  - {match: {prefix: /}, upstream: api}\n";
}

// Loads from a file in `dir`, so relative names are taken beside it.
LoadResult load_in(ConfigDir& dir, const std::string& yaml) {
  return load_file(dir.write("centinela.yaml", yaml));
}

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const ConfigError& error : result.errors) out.push_back(error.to_string());
  return out;
}

TEST(UpstreamTlsConfig, AbsentMeansCleartextOnPort80) {
  const Config config = load_ok(with_upstream("{servers: [\"example.test\"]}"));
  const UpstreamConfig& api = config.upstreams.at("api");
  EXPECT_FALSE(api.tls);
  EXPECT_EQ(api.servers[0].port, 80);
}

TEST(UpstreamTlsConfig, TrueTakesEveryDefaultAndPort443) {
  const Config config =
      load_ok(with_upstream("{servers: [\"example.test\", \"b.test:8443\"], tls: true}"));
  const UpstreamConfig& api = config.upstreams.at("api");
  ASSERT_TRUE(api.tls);
  EXPECT_TRUE(api.tls->verify);
  EXPECT_EQ(api.tls->ca, "");
  EXPECT_EQ(api.tls->sni, "");
  EXPECT_EQ(api.tls->line, 2u);
  EXPECT_EQ(api.servers[0].port, 443);
  EXPECT_EQ(api.servers[1].port, 8443);
  EXPECT_FALSE(
      load_ok(with_upstream("{servers: [\"a.test\"], tls: false}")).upstreams.at("api").tls);
}

TEST(UpstreamTlsConfig, FilesAreTakenBesideTheConfig) {
  ConfigDir dir;
  dir.write("pki/ca.pem", "x");
  dir.write("pki/client.pem", "x");
  dir.write("pki/client.key", "x");
  const LoadResult result = load_in(
      dir, with_upstream("{servers: [\"10.0.0.1:443\"], tls: {ca: pki/ca.pem, sni: api.internal, "
                         "client_cert: pki/client.pem, client_key: pki/client.key}}"));
  ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  const TlsClientConfig& tls = *result.config->upstreams.at("api").tls;
  EXPECT_EQ(tls.ca, dir.path("pki/ca.pem"));
  EXPECT_EQ(tls.sni, "api.internal");
  EXPECT_EQ(tls.client_cert, dir.path("pki/client.pem"));
  EXPECT_EQ(tls.client_key, dir.path("pki/client.key"));
  const std::string effective = effective_config_yaml(*result.config);
  EXPECT_NE(effective.find("sni: \"api.internal\""), std::string::npos) << effective;
}

TEST(UpstreamTlsConfig, MistakesAreReportedWhereTheyAre) {
  ConfigDir dir;
  dir.write("client.pem", "x");
  const auto reported = [&](const std::string& body, const std::string& expected) {
    const auto found = messages(load_in(dir, with_upstream(body)));
    const std::string file = dir.path("centinela.yaml");
    if (std::find(found.begin(), found.end(), file + ":" + expected) != found.end()) return true;
    std::string all;
    for (const auto& line : found) all += line + "\n";
    ADD_FAILURE() << "expected " << expected << "\ngot:\n" << all;
    return false;
  };
  EXPECT_TRUE(reported("{servers: [\"a:1\"], tls: {verfy: false}}",
                       "2:33: unknown key 'verfy' in upstreams.api.tls (did you mean 'verify'?)"));
  EXPECT_TRUE(reported("{servers: [\"a:1\"], tls: {client_cert: client.pem}}",
                       "2:32: upstreams.api.tls: `client_cert` and `client_key` go together "
                       "(PEM files)"));
  EXPECT_TRUE(
      reported("{servers: [\"a:1\"], tls: {ca: missing.pem}}",
               "2:37: upstreams.api.tls.ca: cannot open '" + dir.path("missing.pem") + "'"));
  EXPECT_TRUE(reported("{servers: [\"a:1\"], tls: {ca: client.pem, verify: false}}",
                       "2:37: upstreams.api.tls.ca: has no use with `verify: false` (nothing is "
                       "verified)"));
  EXPECT_TRUE(reported("{servers: [\"a:1\"], tls: {sni: \"10.0.0.1\"}}",
                       "2:38: upstreams.api.tls.sni: '10.0.0.1' is not a host name (SNI carries "
                       "names, not addresses)"));
  EXPECT_TRUE(
      reported("{servers: [\"a:1\"], tls: {verify: maybe}}",
               "2:41: upstreams.api.tls.verify: expected a boolean (true or false), got 'maybe'"));
  EXPECT_TRUE(reported("{servers: [\"a:1\"], tls: [1]}",
                       "2:32: upstreams.api.tls: expected a map of keys (one of verify, ca, sni, "
                       "client_cert, client_key), got a list"));
}

}  // namespace
}  // namespace centinela::config
