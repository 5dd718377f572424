// HTTPS beyond one listener's basics: client certificates (mTLS) and their
// subject and fingerprint reaching identity, certificates reloaded on SIGHUP (a broken one
// keeps the old), `centinela check` on keys and expiry, and a WebSocket
// tunnel over TLS.
#include <cctype>
#include <memory>

#include "child_process.h"
#include "https_fixture.h"

namespace itest {
namespace {

constexpr const char* kWsOriginScript =
    CENTINELA_SOURCE_DIR "/tests/integration/websocket_origin.py";

bool ok(const JsonValue& answer) {
  const JsonValue* value = answer.get("ok");
  return value != nullptr && value->kind == JsonValue::Kind::boolean && value->boolean;
}

double status(const JsonValue& answer, std::size_t index) {
  const JsonValue* responses = answer.get("responses");
  if (responses == nullptr || responses->items.size() <= index) return -1;
  return responses->items[index].number_at("status").value_or(-1);
}

std::string header(const JsonValue& answer, std::size_t index, const std::string& name) {
  const JsonValue* responses = answer.get("responses");
  if (responses == nullptr || responses->items.size() <= index) return "";
  return responses->items[index].string_at("headers." + name);
}

// Three requests (/a, /b, /c) on one connection: the first two served, the
// third refused by a limit of 2.
::testing::AssertionResult served_twice_then_limited(const JsonValue& answer) {
  if (!ok(answer)) return ::testing::AssertionFailure() << answer.string_at("error");
  if (status(answer, 0) != 200 || status(answer, 1) != 200 || status(answer, 2) != 429) {
    return ::testing::AssertionFailure() << "statuses " << status(answer, 0) << ", "
                                         << status(answer, 1) << ", " << status(answer, 2);
  }
  return ::testing::AssertionSuccess();
}

class MutualTlsTest : public HttpsTest {
 protected:
  MutualTlsTest() {
    tls_extra_ = fmt::format("client_auth: required, client_ca: \"{}\"", certs_.ca());
    client_cert_ = certs_.leaf("alice", {"alice.client.test"}, 30, "alice");
  }

  // /a, /b and /c on one connection presenting `who`'s certificate.
  JsonValue three_requests(const CertificateFiles& who) {
    return client(fmt::format(
        "\"sni\": \"localhost\", \"cert\": {}, \"key\": {}, \"requests\": [{{\"path\": \"/a\"}}, "
        "{{\"path\": \"/b\"}}, {{\"path\": \"/c\"}}]",
        json_quote(who.cert), json_quote(who.key)));
  }

  CertificateFiles client_cert_;
};

TEST_F(MutualTlsTest, NoCertificateIsRefusedAGoodOneServed) {
  // The subject reaches the upstream only because the route asks for it.
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, request_headers: {set: {X-Client-Subject: "$client_cert"}}})"};
  ASSERT_TRUE(start_https());
  const JsonValue without =
      client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/anonymous\"}]");
  EXPECT_FALSE(ok(without));
  const JsonValue with = client(fmt::format(
      "\"sni\": \"localhost\", \"cert\": {}, \"key\": {}, \"requests\": [{{\"path\": \"/mine\", "
      "\"headers\": {{\"X-Client-Subject\": \"CN=mallory\"}}}}]",
      json_quote(client_cert_.cert), json_quote(client_cert_.key)));
  ASSERT_TRUE(ok(with)) << with.string_at("error");
  EXPECT_EQ(status(with, 0), 200);
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("X-Client-Subject").value_or(""), "CN=alice");
  EXPECT_GE(metric("centinela_tls_handshake_failures_total",
                   {{"listener", fmt::format("127.0.0.1:{}", port())}, {"reason", "client_cert"}})
                .value_or(0),
            1);
}

// `optional`: a client without a certificate is served (no subject), one
// with a good certificate is known by it.
TEST_F(MutualTlsTest, OptionalServesWithOrWithoutACertificate) {
  tls_extra_ = fmt::format("client_auth: optional, client_ca: \"{}\"", certs_.ca());
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, request_headers: {set: {X-Client-Subject: "$client_cert"}}})"};
  ASSERT_TRUE(start_https());
  const JsonValue anonymous =
      client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/anonymous\"}]");
  ASSERT_TRUE(ok(anonymous)) << anonymous.string_at("error");
  EXPECT_EQ(status(anonymous, 0), 200);
  const JsonValue known = client(fmt::format(
      "\"sni\": \"localhost\", \"cert\": {}, \"key\": {}, \"requests\": [{{\"path\": \"/known\"}}]",
      json_quote(client_cert_.cert), json_quote(client_cert_.key)));
  ASSERT_TRUE(ok(known)) << known.string_at("error");
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].header("X-Client-Subject").value_or("(absent)"), "");
  EXPECT_EQ(received[1].header("X-Client-Subject").value_or(""), "CN=alice");
}

TEST_F(MutualTlsTest, CertificateFromAnotherCaIsRefused) {
  ASSERT_TRUE(start_https());
  TestCertificates other(dir_.path() + "/other");
  const CertificateFiles stranger = other.leaf("mallory", {"mallory.test"}, 30, "alice");
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_FALSE(ok(client(fmt::format(
      "\"sni\": \"localhost\", \"cert\": {}, \"key\": {}, \"requests\": [{{\"path\": \"/\"}}]",
      json_quote(stranger.cert), json_quote(stranger.key)))));
}

// A limit keyed on the certificate's subject counts each client apart.
TEST_F(MutualTlsTest, LimitsKeyOnTheCertificateSubject) {
  const CertificateFiles bob = certs_.leaf("bob", {"bob.client.test"}, 30, "bob");
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, rate_limit: [{name: per_cert, key: client_cert, limit: 2, window: 1h}]})"};
  ASSERT_TRUE(start_https());
  const JsonValue alice = three_requests(client_cert_);
  EXPECT_TRUE(served_twice_then_limited(alice));
  const JsonValue other = three_requests(bob);
  ASSERT_TRUE(ok(other)) << other.string_at("error");
  EXPECT_EQ(status(other, 0), 200);
}

// A cached route keyed on the certificate keeps one entry per client
// certificate: bob never gets alice's.
TEST_F(MutualTlsTest, CacheEntriesKeyOnTheCertificateSubject) {
  const CertificateFiles bob = certs_.leaf("bob", {"bob.client.test"}, 30, "bob");
  int served = 0;
  origin_.on("/mine", [&served](const ReceivedRequest& request) {
    OriginReply reply =
        OriginReply::text(200, "for " + request.header("X-Client-Subject").value_or("?") + " #" +
                                   std::to_string(++served));
    reply.headers.push_back({"Cache-Control", "max-age=60"});
    return reply;
  });
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, cache: {ttl: 60s, key: [client_cert]}, request_headers: {set: {X-Client-Subject: "$client_cert"}}})"};
  ASSERT_TRUE(start_https());
  const auto body_for = [&](const CertificateFiles& who) {
    const JsonValue answer = client(
        fmt::format("\"sni\": \"localhost\", \"cert\": {}, \"key\": {}, \"requests\": [{{\"path\": "
                    "\"/mine\"}}]",
                    json_quote(who.cert), json_quote(who.key)));
    const JsonValue* responses = answer.get("responses");
    if (responses == nullptr || responses->items.empty())
      return "error: " + answer.string_at("error");
    return responses->items[0].string_at("body");
  };
  EXPECT_EQ(body_for(client_cert_), "for CN=alice #1");
  EXPECT_EQ(body_for(client_cert_), "for CN=alice #1");  // a hit
  EXPECT_EQ(body_for(bob), "for CN=bob #2");
  EXPECT_EQ(body_for(client_cert_), "for CN=alice #1");
}

// The fingerprint `openssl x509 -fingerprint -sha256` prints for the first
// certificate in `pem`, as 64 lower-case hex digits ("" when it fails).
std::string openssl_sha256_fingerprint(const std::string& pem) {
  const CommandResult printed =
      run_command({"/usr/bin/openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pem});
  const std::size_t equals = printed.out.find('=');
  if (printed.exit_code != 0 || equals == std::string::npos) return "";
  std::string hex;
  for (char c : printed.out.substr(equals + 1)) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return hex;
}

// Two CAs the listener trusts both issue a certificate for CN=alice: the
// subject cannot tell them apart, the SHA-256 fingerprint can. A limit keyed
// on it counts each certificate apart, and `$client_cert_sha256` reaches the
// origin as openssl prints the fingerprint.
TEST_F(MutualTlsTest, FingerprintSeparatesCertificatesWithTheSameSubject) {
  TestCertificates other(dir_.path() + "/other");
  const CertificateFiles twin = other.leaf("alice-twin", {"alice.client.test"}, 30, "alice");
  ASSERT_TRUE(other.ok()) << other.error();
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  const std::string both_cas =
      dir_.write("both_cas.pem", read_file(certs_.ca()) + read_file(other.ca()));
  tls_extra_ = fmt::format("client_auth: required, client_ca: \"{}\"", both_cas);
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, rate_limit: [{name: per_cert, key: client_cert_sha256, limit: 2, window: 1h}], request_headers: {set: {X-Client-Subject: "$client_cert", X-Client-Fingerprint: "$client_cert_sha256"}}})"};
  ASSERT_TRUE(start_https());
  const JsonValue alice = three_requests(client_cert_);
  EXPECT_TRUE(served_twice_then_limited(alice));
  // Same subject, another certificate: a budget of its own (keyed on
  // client_cert it would be alice's, already spent).
  const JsonValue alice_twin = three_requests(twin);
  EXPECT_TRUE(served_twice_then_limited(alice_twin));

  const std::string alice_fp = openssl_sha256_fingerprint(client_cert_.cert);
  const std::string twin_fp = openssl_sha256_fingerprint(twin.cert);
  ASSERT_EQ(alice_fp.size(), 64u);
  ASSERT_EQ(twin_fp.size(), 64u);
  EXPECT_NE(alice_fp, twin_fp);
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 4u);  // the 429s never reach it
  for (std::size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].header("X-Client-Subject").value_or(""), "CN=alice") << i;
    EXPECT_EQ(received[i].header("X-Client-Fingerprint").value_or(""), i < 2 ? alice_fp : twin_fp)
        << i;
  }
}

TEST_F(HttpsTest, ReloadServesTheNewCertificateWhileOpenConnectionsGoOn) {
  ASSERT_TRUE(start_https());
  // A connection opened before the reload keeps being served after it
  // (the client pauses between requests while the reload happens).
  std::unique_ptr<ChildProcess> long_client;
  const std::string out = dir_.file("long.out");
  {
    const std::string json = fmt::format(
        "{{\"port\": {}, \"ca\": {}, \"sni\": \"localhost\", \"pause\": 1.0, \"resume\": true, "
        "\"requests\": "
        "[{{\"path\": \"/1\"}}, {{\"path\": \"/2\"}}, {{\"path\": \"/3\"}}, {{\"path\": "
        "\"/4\"}}]}}",
        port(), json_quote(certs_.ca()));
    long_client = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3",
                                 CENTINELA_SOURCE_DIR "/tests/integration/tls_client.py", json},
        out, dir_.file("long.err"));
  }
  ASSERT_TRUE(origin_.wait_for_requests(1, 10s));
  default_cert_ = certs_.leaf("renewed", {"localhost", "renewed.test"});
  ASSERT_TRUE(reload("success"));
  const JsonValue after = client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(after)) << after.string_at("error");
  const JsonValue* san = after.at("san");
  ASSERT_NE(san, nullptr);
  ASSERT_EQ(san->items.size(), 2u);
  EXPECT_EQ(san->items[1].text, "renewed.test");
  ASSERT_TRUE(long_client->wait_exit(20s).has_value());
  const auto answer = parse_json(read_file(out));
  ASSERT_TRUE(answer) << read_file(out);
  ASSERT_TRUE(ok(*answer)) << answer->string_at("error");
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(status(*answer, i), 200) << i;
  // Its session, from before the reload, resumes after it: the ticket keys
  // outlive reloads.
  const JsonValue* reused = answer->get("reused");
  ASSERT_NE(reused, nullptr);
  EXPECT_TRUE(reused->boolean);
}

TEST_F(HttpsTest, ReloadWithABrokenCertificateKeepsTheOldOne) {
  ASSERT_TRUE(start_https());
  const CertificateFiles other = certs_.leaf("other", {"other.test"});
  default_cert_.key = other.key;  // not the certificate's key
  ASSERT_TRUE(reload("failure"));
  EXPECT_NE(gateway_->stderr_text().find("does not match certificate"), std::string::npos)
      << gateway_->stderr_text();
  const JsonValue still = client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(still)) << still.string_at("error");
  EXPECT_EQ(status(still, 0), 200);
}

TEST_F(HttpsTest, CheckReportsKeyMismatchExpiryAndExpired) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  const auto check = [&] {
    write_config_file(render());
    return run_command({centinela_binary(), "check", "-c", config_path()});
  };
  const CommandResult good = check();
  EXPECT_EQ(good.exit_code, 0) << good.output();
  EXPECT_EQ(good.output().find("warning"), std::string::npos) << good.output();

  default_cert_ = certs_.leaf("soon", {"localhost"}, 5);
  const CommandResult soon = check();
  EXPECT_EQ(soon.exit_code, 0) << soon.output();
  EXPECT_NE(soon.output().find("within 14 days"), std::string::npos) << soon.output();
  EXPECT_NE(soon.output().find("centinela.yaml:"), std::string::npos) << soon.output();

  const CertificateFiles expired = certs_.expired_leaf("expired", "localhost");
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  default_cert_ = expired;
  const CommandResult old = check();
  EXPECT_EQ(old.exit_code, 1) << old.output();
  EXPECT_NE(old.output().find("expired on 2020-02-01"), std::string::npos) << old.output();

  default_cert_ = certs_.leaf("good", {"localhost"});
  default_cert_.key = certs_.leaf("stranger", {"localhost"}).key;
  const CommandResult mismatch = check();
  EXPECT_EQ(mismatch.exit_code, 1) << mismatch.output();
  EXPECT_NE(mismatch.output().find("does not match certificate"), std::string::npos)
      << mismatch.output();
  EXPECT_NE(mismatch.output().find("server.listen[0].tls"), std::string::npos) << mismatch.output();
}

// A listener whose key is not its certificate's never starts in any form.
TEST_F(HttpsTest, RunRefusesToStartWithAMismatchedKey) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  default_cert_.key = certs_.leaf("stranger", {"localhost"}).key;
  write_config_file(render());
  const CommandResult run =
      run_command({centinela_binary(), "run", "-c", config_path()}, std::chrono::seconds(20));
  EXPECT_EQ(run.exit_code, 1) << run.output();
  EXPECT_NE(run.output().find("does not match certificate"), std::string::npos) << run.output();
}

TEST_F(HttpsTest, WebSocketTunnelOverTls) {
  ReservedPort ws_port;
  config_.upstreams["ws"] = upstream_yaml({"127.0.0.1:" + std::to_string(ws_port.port())});
  config_.routes = {R"({name: ws, match: {prefix: "/ws/"}, upstream: ws})",
                    R"({name: api, match: {prefix: "/"}, upstream: api})"};
  const std::string out = dir_.file("ws_origin.out");
  ChildProcess ws_origin({"/usr/bin/python3", kWsOriginScript, std::to_string(ws_port.port())}, out,
                         dir_.file("ws_origin.err"));
  ASSERT_TRUE(ws_origin.started()) << ws_origin.error();
  ASSERT_TRUE(eventually([&] { return read_file(out).find("ready") != std::string::npos; }, 20s));
  ASSERT_TRUE(start_https());
  // A masked text frame "hello" (mask 01 02 03 04), echoed back unmasked.
  const JsonValue answer = client(
      "\"sni\": \"localhost\", \"requests\": [{\"path\": \"/ws/echo\", \"headers\": "
      "{\"Connection\": \"Upgrade\", \"Upgrade\": \"websocket\", \"Sec-WebSocket-Version\": "
      "\"13\", \"Sec-WebSocket-Key\": \"dGhlIHNhbXBsZSBub25jZQ==\"}}], "
      "\"raw\": \"81850102030469676f686e\", \"raw_expect\": 7");
  ASSERT_TRUE(ok(answer)) << answer.string_at("error");
  EXPECT_EQ(status(answer, 0), 101);
  EXPECT_EQ(header(answer, 0, "upgrade"), "websocket");
  EXPECT_EQ(answer.string_at("raw_reply"), "810568656c6c6f");
}

}  // namespace
}  // namespace itest
