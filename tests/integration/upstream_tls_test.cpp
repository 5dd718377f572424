// TLS to upstream servers (issue 16, point 4), against nginx speaking TLS 1.3
// with certificates the test makes (openssl_pki.h): verification by CA, name and
// address, the system CAs by default, client certificates, pooled connections
// and resumed sessions, handshake failures as upstream failures, health
// checks over TLS, WebSocket tunnels over TLS, and the config's errors.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "child_process.h"
#include "gateway_fixture.h"
#include "nginx_tls_origin.h"
#include "openssl_pki.h"
#include "raw_origin.h"
#include "websocket_client.h"

namespace itest {
namespace {

constexpr const char* kWsOriginScript =
    CENTINELA_SOURCE_DIR "/tests/integration/websocket_origin.py";

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// A server that completes TCP connections (the kernel does, from the
// backlog) but never accepts them, so a TLS handshake never gets an answer.
class SilentListener {
 public:
  explicit SilentListener(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listening_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                 ::listen(fd_, 16) == 0;
  }
  ~SilentListener() { ::close(fd_); }
  bool listening() const { return listening_; }

 private:
  int fd_ = -1;
  bool listening_ = false;
};

// What a cleartext HTTP server says to a ClientHello: 400, then it closes.
RawScript cleartext_server() {
  return [](RawConnection& c) {
    c.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    c.pause(200ms);
    c.hang_up();
  };
}

std::string address_of(const RawOrigin& origin) {
  return "127.0.0.1:" + std::to_string(origin.port());
}

class UpstreamTlsTest : public GatewayTest {
 protected:
  void SetUp() override { ASSERT_TRUE(pki_.ok()) << pki_.error(); }

  void TearDown() override {
    if (HasFailure() && nginx_)
      std::printf("--- nginx error log ---\n%s\n", nginx_->error_log().c_str());
    GatewayTest::TearDown();
  }

  ::testing::AssertionResult start_nginx(const std::string& client_ca = "") {
    nginx_ = std::make_unique<NginxTlsOrigin>(
        dir_, nginx_port_.port(),
        NginxTlsOptions{pki_.server_cert(), pki_.server_key(), "TLSv1.3", client_ca});
    return nginx_->start();
  }

  std::string nginx_address() const { return "127.0.0.1:" + std::to_string(nginx_port_.port()); }

  // The upstream `api` on nginx with `tls` as written.
  void use_tls(const std::string& tls, const std::string& extra = "") {
    config_.upstreams["api"] =
        upstream_yaml({nginx_address()}, "tls: " + tls + (extra.empty() ? "" : ", " + extra));
  }

  std::string ca_only() const { return "{ca: \"" + pki_.ca() + "\"}"; }

  double tls_failures(const std::string& reason, const std::string& upstream = "api") {
    return metric("centinela_upstream_tls_handshake_failures_total",
                  {{"upstream", upstream}, {"reason", reason}})
        .value_or(0);
  }

  ReservedPort nginx_port_;
  OpensslPki pki_;
  std::unique_ptr<NginxTlsOrigin> nginx_;
};

TEST_F(UpstreamTlsTest, TheConfiguredCaVerifiesTheServerByAddress) {
  ASSERT_TRUE(start_nginx());
  use_tls(ca_only());
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/hello");
  ASSERT_EQ(response.status, 200) << response.error << response.body;
  EXPECT_EQ(response.body, "tls-origin\n");
  EXPECT_EQ(response.header("x-tls-protocol").value_or(""), "TLSv1.3");
  EXPECT_EQ(tls_failures("certificate"), 0);
}

TEST_F(UpstreamTlsTest, TheConfiguredCaVerifiesTheServerBySni) {
  ASSERT_TRUE(start_nginx());
  use_tls("{ca: \"" + pki_.ca() + "\", sni: localhost}");
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/hello");
  ASSERT_EQ(response.status, 200) << response.error << response.body;
  EXPECT_EQ(response.body, "tls-origin\n");
}

TEST_F(UpstreamTlsTest, TheSystemCasRefuseAPrivateCaAndTheReasonIsLoggedOnce) {
  ASSERT_TRUE(start_nginx());
  use_tls("true");
  ASSERT_TRUE(start_gateway());
  for (int i = 0; i < 4; ++i) {
    const HttpResponse response = get("/hello");
    EXPECT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY")) << i;
  }
  EXPECT_EQ(tls_failures("certificate"), 4);
  EXPECT_TRUE(eventually(
      [&] {
        return gateway_->stderr_text().find("TLS handshake with upstream server failed") !=
               std::string::npos;
      },
      3s));
  const std::string log = gateway_->stderr_text();
  EXPECT_EQ(count_of(log, "TLS handshake with upstream server failed"), 1u) << log;
  // OpenSSL's reason: the origin sends its leaf and the private CA that
  // signed it (OpensslPki's chain), which no system CA vouches for.
  EXPECT_NE(log.find("self-signed certificate in certificate chain"), std::string::npos) << log;
  EXPECT_EQ(nginx_->access_log(), "");  // no request ever reached it
}

TEST_F(UpstreamTlsTest, ACertificateForAnotherNameIsRefused) {
  ASSERT_TRUE(start_nginx());
  use_tls("{ca: \"" + pki_.ca() + "\", sni: other.example}");
  ASSERT_TRUE(start_gateway());
  EXPECT_TRUE(is_gateway_error(get("/hello"), 502, "BAD_GATEWAY"));
  EXPECT_EQ(tls_failures("name"), 1);
  EXPECT_EQ(tls_failures("certificate"), 0);
}

TEST_F(UpstreamTlsTest, VerifyFalseTakesAnyCertificate) {
  ASSERT_TRUE(start_nginx());
  use_tls("{verify: false}");
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/hello");
  ASSERT_EQ(response.status, 200) << response.error << response.body;
  EXPECT_EQ(response.body, "tls-origin\n");
}

TEST_F(UpstreamTlsTest, AClientCertificateIsPresentedToAnOriginThatRequiresOne) {
  ASSERT_TRUE(start_nginx(pki_.ca()));
  config_.upstreams["with_cert"] = upstream_yaml(
      {nginx_address()}, "tls: {ca: \"" + pki_.ca() + "\", client_cert: \"" + pki_.client_cert() +
                             "\", client_key: \"" + pki_.client_key() + "\"}");
  use_tls(ca_only());
  config_.routes = {R"({match: {prefix: "/with"}, upstream: with_cert})",
                    R"({match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());
  const HttpResponse with = get("/with");
  ASSERT_EQ(with.status, 200) << with.error << with.body;
  EXPECT_EQ(with.header("x-client-verify").value_or(""), "SUCCESS");
  // Without one, nginx completes the handshake and answers 400 itself
  // (`ssl_verify_client on`): the origin's refusal reaches the client.
  const HttpResponse without = get("/nocert");
  EXPECT_EQ(without.status, 400) << without.error;
  EXPECT_NE(without.body.find("No required SSL certificate was sent"), std::string::npos)
      << without.body;
}

// A WebSocket upgrade to an upstream with `tls:`: nginx terminates TLS in
// front of the FastAPI origin (websocket_origin.py) and relays the upgrade,
// so every frame crosses the gateway's upstream TLS both ways.
TEST_F(UpstreamTlsTest, AWebSocketTunnelRunsOverTls) {
  ReservedPort ws_port;
  const std::string out = dir_.file("ws_origin.out");
  const std::string err = dir_.file("ws_origin.err");
  ChildProcess ws_origin({"/usr/bin/python3", kWsOriginScript, std::to_string(ws_port.port())}, out,
                         err);
  ASSERT_TRUE(ws_origin.started()) << ws_origin.error();
  ASSERT_TRUE(eventually([&] { return read_file(out).find("ready") != std::string::npos; }, 20s))
      << "the WebSocket origin did not start: " << read_file(err);
  nginx_ = std::make_unique<NginxTlsOrigin>(
      dir_, nginx_port_.port(),
      NginxTlsOptions{pki_.server_cert(), pki_.server_key(), "TLSv1.3", "", ws_port.port()});
  ASSERT_TRUE(nginx_->start());
  use_tls(ca_only());
  config_.routes = {R"({name: ws, match: {prefix: "/ws/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());

  WsClient client;
  const WsHandshake answer = client.open(port(), "/ws/echo");
  ASSERT_EQ(answer.status, 101) << answer.error << answer.body;
  EXPECT_EQ(answer.header("Sec-WebSocket-Accept").value_or(""), WsClient::kAccept);
  std::string large(100 * 1024, '\0');  // several TLS records each way
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>((i * 31 + 7) & 0xff);
  const std::vector<std::pair<int, std::string>> messages = {
      {1, "hello over tls"}, {2, std::string("\x00\x01\xfe\xff", 4)}, {2, large}, {1, "bye"}};
  for (const auto& [opcode, payload] : messages) {
    ASSERT_TRUE(client.send(opcode, payload));
    const std::optional<WsFrame> frame = client.read_frame(10s);
    ASSERT_TRUE(frame) << "no echo of " << payload.size() << " bytes (eof: " << client.eof() << ")";
    EXPECT_EQ(frame->opcode, opcode);
    EXPECT_TRUE(frame->payload == payload) << "echo of " << payload.size() << " bytes differs";
  }
  // The close handshake goes through too: the origin answers 1000.
  ASSERT_TRUE(client.send(8, std::string("\x03\xe8", 2)));
  const std::optional<WsFrame> closing = client.read_frame(10s);
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->opcode, 8);
  EXPECT_EQ(closing->close_code(), 1000);
  EXPECT_TRUE(
      eventually([&] { return read_file(out).find("echo closed 1000") != std::string::npos; }, 10s))
      << read_file(out);
}

TEST_F(UpstreamTlsTest, KeepAliveReusesOneTls13Connection) {
  ASSERT_TRUE(start_nginx());
  config_.workers = 1;  // one pool
  use_tls(ca_only());
  ASSERT_TRUE(start_gateway());
  std::string first_connection;
  for (int i = 0; i < 6; ++i) {
    const HttpResponse response = get("/keep/" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << response.error << response.body;
    const std::string connection = response.header("x-connection").value_or("?");
    if (i == 0) first_connection = connection;
    EXPECT_EQ(connection, first_connection) << "request " << i << " on a new connection";
    // Idle in the pool meanwhile, its watching read pending through TLS.
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(count_of(nginx_->access_log(), first_connection + " . TLSv1.3 /keep/"), 6u)
      << nginx_->access_log();
}

// The second connection offers the session the first one was given (a TLS
// 1.3 ticket) and the server takes it. (It fails when a connection closed by
// the gateway spoils its session: upstream_connection.cpp's destructor.)
TEST_F(UpstreamTlsTest, ANewConnectionResumesTheSession) {
  ASSERT_TRUE(start_nginx());
  config_.workers = 1;
  use_tls(ca_only(), "max_idle_per_worker: 0");  // a new connection every time
  ASSERT_TRUE(start_gateway());
  const HttpResponse first = get("/one");
  ASSERT_EQ(first.status, 200) << first.error << first.body;
  EXPECT_EQ(first.header("x-session-reused").value_or(""), ".");
  const HttpResponse second = get("/two");
  ASSERT_EQ(second.status, 200) << second.error << second.body;
  EXPECT_NE(second.header("x-connection"), first.header("x-connection"));
  EXPECT_EQ(second.header("x-session-reused").value_or(""), "r");
}

TEST_F(UpstreamTlsTest, AFailedHandshakeIsRetriedOnTheOtherServer) {
  ASSERT_TRUE(start_nginx());
  RawOrigin cleartext(cleartext_server());
  config_.upstreams["api"] =
      upstream_yaml({address_of(cleartext), nginx_address()}, "tls: " + ca_only() + ", retries: 1");
  ASSERT_TRUE(start_gateway());
  for (int i = 0; i < 4; ++i) {
    const HttpResponse response = get("/retry");
    EXPECT_EQ(response.status, 200) << i << " " << response.error << response.body;
  }
  EXPECT_GE(tls_failures("protocol") + tls_failures("closed"), 1);
  EXPECT_GE(
      metric("centinela_upstream_retries_total", {{"upstream", "api"}, {"server", nginx_address()}})
          .value_or(0),
      1);
}

TEST_F(UpstreamTlsTest, AHandshakeThatNeverEndsIsCutByConnectTimeout) {
  ReservedPort silent_port;
  SilentListener silent(silent_port.port());
  ASSERT_TRUE(silent.listening());
  config_.upstreams["api"] =
      upstream_yaml({"127.0.0.1:" + std::to_string(silent_port.port())},
                    "tls: " + ca_only() + ", connect_timeout: 300ms, retries: 0");
  ASSERT_TRUE(start_gateway());
  EXPECT_TRUE(is_gateway_error(get("/silent"), 504, "GATEWAY_TIMEOUT"));
  EXPECT_EQ(tls_failures("timeout"), 1);
}

TEST_F(UpstreamTlsTest, ACleartextOriginOnTheTlsPortIs502) {
  RawOrigin cleartext(cleartext_server());
  config_.upstreams["api"] = upstream_yaml({address_of(cleartext)}, "tls: " + ca_only());
  ASSERT_TRUE(start_gateway());
  EXPECT_TRUE(is_gateway_error(get("/plain"), 502, "BAD_GATEWAY"));
  EXPECT_EQ(tls_failures("protocol"), 1);
}

TEST_F(UpstreamTlsTest, HealthChecksSpeakTlsAndVerify) {
  ASSERT_TRUE(start_nginx());
  const std::string check = "health_check: {path: /health, interval: 100ms, timeout: 1s}";
  config_.upstreams["api"] = upstream_yaml({nginx_address()}, "tls: " + ca_only() + ", " + check);
  config_.upstreams["unverified"] = upstream_yaml({nginx_address()}, "tls: true, " + check);
  ASSERT_TRUE(start_gateway());
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_upstream_healthy",
                      {{"upstream", "unverified"}, {"server", nginx_address()}}) == 0.0;
      },
      10s));
  EXPECT_TRUE(
      eventually([&] { return count_of(nginx_->access_log(), " TLSv1.3 /health") >= 3; }, 10s))
      << nginx_->access_log();
  EXPECT_EQ(
      metric("centinela_upstream_healthy", {{"upstream", "api"}, {"server", nginx_address()}}),
      1.0);
}

// A reload reads the TLS files again: a CA file that no longer loads keeps
// the running config (and its TLS contexts) serving.
TEST_F(UpstreamTlsTest, AReloadWithACaThatDoesNotLoadKeepsTheRunningConfig) {
  ASSERT_TRUE(start_nginx());
  const std::string ca = dir_.write("reloaded-ca.pem", read_file(pki_.ca()));
  use_tls("{ca: \"" + ca + "\"}");
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/before").status, 200);
  dir_.write("reloaded-ca.pem", "no longer a certificate\n");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_config_reloads_total", {{"result", "failure"}}).value_or(0) == 1;
      },
      5s));
  EXPECT_NE(gateway_->stderr_text().find("cannot load CA file"), std::string::npos);
  const HttpResponse after = get("/after");
  EXPECT_EQ(after.status, 200) << after.error << after.body;
}

TEST_F(UpstreamTlsTest, CheckReportsTlsSettingsThatCannotWork) {
  const auto check_with = [&](const std::string& tls) {
    use_tls(tls);
    write_config_file();
    return run_command({centinela_binary(), "check", "-c", config_path()});
  };
  const std::string at = config_path() + ":";

  CommandResult result = check_with("{client_cert: \"" + pki_.client_cert() + "\"}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find(at), std::string::npos) << result.output();
  EXPECT_NE(result.output().find("`client_cert` and `client_key` go together"), std::string::npos)
      << result.output();

  result = check_with("{verfy: false}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find("verify"), std::string::npos) << result.output();

  result = check_with("{ca: \"" + dir_.file("missing.pem") + "\"}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find("upstreams.api.tls.ca: cannot open"), std::string::npos)
      << result.output();

  const std::string garbage = dir_.write("garbage.pem", "not a certificate\n");
  result = check_with("{ca: \"" + garbage + "\"}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find(at), std::string::npos) << result.output();
  EXPECT_NE(result.output().find("cannot load CA file"), std::string::npos) << result.output();

  result = check_with("{client_cert: \"" + pki_.client_cert() + "\", client_key: \"" +
                      pki_.server_key() + "\"}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find("cannot load client key"), std::string::npos) << result.output();

  result = check_with("{ca: \"" + pki_.ca() + "\", sni: \"127.0.0.1\"}");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output().find("is not a host name"), std::string::npos) << result.output();

  result = check_with(ca_only());
  EXPECT_EQ(result.exit_code, 0) << result.output();
}

}  // namespace
}  // namespace itest
