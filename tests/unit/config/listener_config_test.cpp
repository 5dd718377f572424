// `server.listen` entries: "host:port" as before, or a map with TLS and HTTP/2.
#include <gtest/gtest.h>

#include <algorithm>

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
    - {address: "127.0.0.1:8081", http2: true}
)");
  ASSERT_EQ(config.server.listen.size(), 2u);
  EXPECT_EQ(config.server.listen[0].endpoint.text, "127.0.0.1:8080");
  EXPECT_FALSE(config.server.listen[0].tls);
  EXPECT_FALSE(config.server.listen[0].http2);
  EXPECT_EQ(config.server.listen[1].endpoint.text, "127.0.0.1:8081");
  EXPECT_FALSE(config.server.listen[1].tls);
  EXPECT_TRUE(config.server.listen[1].http2);
}

// A TLS listener's settings are read as written (the files are read when
// the listener's context is built: at start, on reload and by check).
TEST(ListenerConfig, TlsSettingsAreRead) {
  Config config = load_ok(R"(
server:
  listen:
    - address: "127.0.0.1:8443"
      tls:
        cert: a.pem
        key: a.key
        certificates: [{cert: b.pem, key: b.key}]
        min_version: "1.3"
        ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256"
        ciphersuites: "TLS_AES_128_GCM_SHA256"
        session_tickets: false
        client_auth: optional
        client_ca: ca.pem
)");
  ASSERT_EQ(config.server.listen.size(), 1u);
  ASSERT_TRUE(config.server.listen[0].tls);
  const ListenerTlsConfig& tls = *config.server.listen[0].tls;
  ASSERT_EQ(tls.certificates.size(), 2u);
  EXPECT_EQ(tls.certificates[0].cert, "a.pem");
  EXPECT_EQ(tls.certificates[1].key, "b.key");
  EXPECT_EQ(tls.min_version, "1.3");
  EXPECT_EQ(tls.ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(tls.ciphersuites, "TLS_AES_128_GCM_SHA256");
  EXPECT_FALSE(tls.session_tickets);
  EXPECT_EQ(tls.client_auth, ClientAuth::optional);
  EXPECT_EQ(tls.client_ca, "ca.pem");
  EXPECT_EQ(tls.line, 6u);  // where its map starts: `cert:`
}

// Each mistake in `tls:` is reported where it is.
TEST(ListenerConfig, MistakesAreReportedWhereTheyAre) {
  auto reported = [](const std::string& yaml, const std::string& expected) {
    const auto found = problems(yaml);
    return std::find(found.begin(), found.end(), expected) != found.end();
  };
  EXPECT_EQ(problems("server:\n  listen: {http2: true}\n"),
            (std::vector<std::string>{"t.yaml:2:11: server.listen.address: required"}));
  EXPECT_TRUE(reported("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a}}\n",
                       "t.yaml:2:41: server.listen.tls: `cert` and `key` go together"));
  EXPECT_TRUE(reported("server:\n  listen: {address: \"127.0.0.1:1\", tls: {}}\n",
                       "t.yaml:2:41: server.listen.tls: a TLS listener needs a certificate: "
                       "`cert` and `key` (PEM files)"));
  EXPECT_TRUE(
      reported("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a, key: b, "
               "min_version: \"1.1\"}}\n",
               "t.yaml:2:72: server.listen.tls.min_version: expected \"1.2\" or \"1.3\", "
               "got '1.1'"));
  EXPECT_TRUE(
      reported("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a, key: b, "
               "client_auth: required}}\n",
               "t.yaml:2:41: server.listen.tls: client_auth required needs `client_ca`, "
               "the PEM bundle client certificates chain to"));
  EXPECT_EQ(problems("server:\n  listen: [\"127.0.0.1:1\", {address: \"127.0.0.1:1\"}]\n"),
            (std::vector<std::string>{
                "t.yaml:2:37: server.listen.address: duplicate listener '127.0.0.1:1'"}));
}

TEST(ListenerConfig, CheckPrintsListenersSoTheyLoadAgain) {
  const Config config = load_ok(R"(
server:
  listen:
    - "127.0.0.1:8080"
    - {address: "127.0.0.1:8081", http2: true}
)");
  const std::string printed = effective_config_yaml(config);
  const Config again = load_ok(printed);
  EXPECT_EQ(effective_config_yaml(again), printed);
  ASSERT_EQ(again.server.listen.size(), 2u);
  EXPECT_FALSE(again.server.listen[0].http2);
  EXPECT_TRUE(again.server.listen[1].http2);
}

}  // namespace
}  // namespace centinela::config
