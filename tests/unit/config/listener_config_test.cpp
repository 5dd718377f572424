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

// TLS termination is not served yet: a `tls:` listener is refused rather
// than started in cleartext.
TEST(ListenerConfig, TlsIsRefusedUntilItIsServed) {
  EXPECT_EQ(problems("server:\n  listen: {address: \"127.0.0.1:1\", tls: {cert: a, key: b}}\n"),
            (std::vector<std::string>{
                "t.yaml:2:41: server.listen.tls: TLS termination is not available in this "
                "version yet; terminate TLS in front of centinela (the keys are documented for "
                "the version that serves them)"}));
}

// Besides the refusal, each mistake in `tls:` is reported where it is.
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
