// `server.listen` entries: "host:port" as before, or a map with TLS and HTTP/2.
#include <gtest/gtest.h>

#include "config/effective_config.h"
#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;

TEST(ListenerConfig, PlainAddressesAndMapsMix) {
  Config config = load_ok(R"(
server:
  listen:
    - "127.0.0.1:8080"
    - {address: "127.0.0.1:8443", tls: {cert: a.pem, key: a.key}, http2: true}
    - {address: "127.0.0.1:8081", http2: true}
)");
  ASSERT_EQ(config.server.listen.size(), 3u);
  EXPECT_EQ(config.server.listen[0].endpoint.text, "127.0.0.1:8080");
  EXPECT_FALSE(config.server.listen[0].tls);
  EXPECT_FALSE(config.server.listen[0].http2);
  const ListenerConfig& secure = config.server.listen[1];
  ASSERT_TRUE(secure.tls);
  EXPECT_TRUE(secure.http2);
  ASSERT_EQ(secure.tls->certificates.size(), 1u);
  EXPECT_EQ(secure.tls->certificates[0].cert, "a.pem");
  EXPECT_EQ(secure.tls->certificates[0].key, "a.key");
  EXPECT_EQ(secure.tls->min_version, "1.2");
  EXPECT_TRUE(secure.tls->session_tickets);
  EXPECT_EQ(secure.tls->client_auth, ClientAuth::none);
  EXPECT_FALSE(config.server.listen[2].tls);
  EXPECT_TRUE(config.server.listen[2].http2);
}

TEST(ListenerConfig, CertificatesForSniFollowTheDefault) {
  Config config = load_ok(R"(
server:
  listen:
    address: "0.0.0.0:443"
    tls:
      cert: default.pem
      key: default.key
      certificates: [{cert: api.pem, key: api.key}, {cert: wild.pem, key: wild.key}]
      min_version: "1.3"
      client_auth: optional
      client_ca: clients.pem
)");
  ASSERT_EQ(config.server.listen.size(), 1u);
  const ListenerTlsConfig& tls = *config.server.listen[0].tls;
  ASSERT_EQ(tls.certificates.size(), 3u);
  EXPECT_EQ(tls.certificates[0].cert, "default.pem");
  EXPECT_EQ(tls.certificates[2].key, "wild.key");
  EXPECT_EQ(tls.min_version, "1.3");
  EXPECT_EQ(tls.client_auth, ClientAuth::optional);
  EXPECT_EQ(tls.client_ca, "clients.pem");
}

TEST(ListenerConfig, MistakesAreReportedWhereTheyAre) {
  EXPECT_EQ(problems("server:\n  listen: {tls: {cert: a, key: b}}\n"),
            (std::vector<std::string>{"t.yaml:2:11: server.listen.address: required"}));
  EXPECT_EQ(
      problems("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a}}\n"),
      (std::vector<std::string>{"t.yaml:2:41: server.listen.tls: `cert` and `key` go together"}));
  EXPECT_EQ(problems("server:\n  listen: {address: \"127.0.0.1:1\", tls: {}}\n"),
            (std::vector<std::string>{"t.yaml:2:41: server.listen.tls: a TLS listener needs a "
                                      "certificate: `cert` and `key` (PEM files)"}));
  EXPECT_EQ(
      problems("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a, key: b, "
               "min_version: \"1.1\"}}\n"),
      (std::vector<std::string>{
          "t.yaml:2:72: server.listen.tls.min_version: expected \"1.2\" or \"1.3\", got '1.1'"}));
  EXPECT_EQ(problems("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a, key: b, "
                     "client_auth: required}}\n"),
            (std::vector<std::string>{"t.yaml:2:41: server.listen.tls: client_auth required needs "
                                      "`client_ca`, the PEM bundle client certificates chain to"}));
  EXPECT_EQ(problems("server:\n  listen: [\"127.0.0.1:1\", {address: \"127.0.0.1:1\"}]\n"),
            (std::vector<std::string>{
                "t.yaml:2:37: server.listen.address: duplicate listener '127.0.0.1:1'"}));
}

TEST(ListenerConfig, CheckPrintsListenersSoTheyLoadAgain) {
  const Config config = load_ok(R"(
server:
  listen:
    - "127.0.0.1:8080"
    - {address: "127.0.0.1:8443", tls: {cert: a.pem, key: a.key, client_auth: required,
       client_ca: ca.pem, ciphers: "ECDHE+AESGCM"}, http2: true}
)");
  const std::string printed = effective_config_yaml(config);
  const Config again = load_ok(printed);
  EXPECT_EQ(effective_config_yaml(again), printed);
  ASSERT_EQ(again.server.listen.size(), 2u);
  EXPECT_EQ(again.server.listen[1].tls->client_auth, ClientAuth::required);
  EXPECT_EQ(again.server.listen[1].tls->ciphers, "ECDHE+AESGCM");
  EXPECT_TRUE(again.server.listen[1].http2);
}

}  // namespace
}  // namespace centinela::config
