// HTTPS for clients (a `server.listen` entry with `tls:`), seen from a real
// TLS client: requests proxied over keep-alive, request bodies, certificates
// chosen by SNI, versions and ALPN, what a non-TLS or stalling client gets,
// parked connections waking, session resumption, and what the origin, the
// access log and the metrics learn.
#include <sys/socket.h>
#include <zlib.h>

#include "child_process.h"
#include "https_fixture.h"
#include "pattern_body.h"

namespace itest {
namespace {

bool ok(const JsonValue& answer) {
  const JsonValue* value = answer.get("ok");
  return value != nullptr && value->kind == JsonValue::Kind::boolean && value->boolean;
}

std::string describe(const JsonValue& answer) { return answer.string_at("error", "(ok)"); }

const JsonValue* response(const JsonValue& answer, std::size_t index) {
  const JsonValue* responses = answer.get("responses");
  if (responses == nullptr || responses->items.size() <= index) return nullptr;
  return &responses->items[index];
}

double status(const JsonValue& answer, std::size_t index) {
  const JsonValue* r = response(answer, index);
  return r == nullptr ? -1 : r->number_at("status").value_or(-1);
}

TEST_F(HttpsTest, ProxiesManyRequestsOnOneConnection) {
  ASSERT_TRUE(start_https());
  std::string requests;
  for (int i = 0; i < 20; ++i) {
    if (i != 0) requests += ", ";
    requests += i % 2 == 0 ? fmt::format("{{\"path\": \"/get/{}\"}}", i)
                           : fmt::format(
                                 "{{\"method\": \"POST\", \"path\": \"/post/{}\", "
                                 "\"body\": \"payload number {}\"}}",
                                 i, i);
  }
  const JsonValue answer =
      client(fmt::format("\"sni\": \"localhost\", \"requests\": [{}]", requests));
  ASSERT_TRUE(ok(answer)) << describe(answer);
  for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(status(answer, i), 200) << i;
  EXPECT_EQ(answer.string_at("alpn", "none"), "none");  // none asked, none answered
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 20u);
  EXPECT_EQ(received[1].method, "POST");
  EXPECT_EQ(received[1].body, "payload number 1");
  EXPECT_EQ(received[19].body, "payload number 19");
  // The origin hears the client came over HTTPS.
  EXPECT_EQ(received[0].header("X-Forwarded-Proto").value_or(""), "https");
  // All of them on one TLS connection: one handshake.
  EXPECT_EQ(metric("centinela_tls_handshakes_total",
                   {{"listener", fmt::format("127.0.0.1:{}", port())}, {"version", "TLSv1.3"}}),
            1);
}

// Bodies much larger than a TLS record both ways: partial writes and
// readiness waits on a busy socket, the bytes intact.
TEST_F(HttpsTest, LargeBodiesPassBothWays) {
  constexpr std::uint64_t kDown = 8u << 20;
  constexpr std::uint64_t kUp = 3u << 20;
  origin_.on("/big", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.pattern_body_bytes = kDown;
    return reply;
  });
  ASSERT_TRUE(start_https());
  const JsonValue answer = client(fmt::format(
      "\"sni\": \"localhost\", \"requests\": [{{\"method\": \"POST\", \"path\": \"/up\", "
      "\"body_bytes\": {}}}, {{\"path\": \"/big\"}}, {{\"method\": \"POST\", \"path\": "
      "\"/up-chunked\", \"chunked\": true, \"body_bytes\": 100000}}]",
      kUp));
  ASSERT_TRUE(ok(answer)) << describe(answer);
  EXPECT_EQ(status(answer, 0), 200);
  EXPECT_EQ(status(answer, 1), 200);
  EXPECT_EQ(status(answer, 2), 200);
  const JsonValue* big = response(answer, 1);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->number_at("body_len"), static_cast<double>(kDown));
  EXPECT_EQ(big->number_at("body_crc"), static_cast<double>(pattern_crc32(kDown)));
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].body_bytes, kUp);
  EXPECT_EQ(received[2].body_bytes, 100000u);
  const auto sent_crc = [](std::uint64_t size) {  // what tls_client.py sends: 0..250 repeated
    std::string bytes(size, '\0');
    for (std::uint64_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i % 251);
    return static_cast<std::uint32_t>(::crc32(::crc32(0L, Z_NULL, 0),
                                              reinterpret_cast<const Bytef*>(bytes.data()),
                                              static_cast<uInt>(bytes.size())));
  };
  EXPECT_EQ(received[0].body_crc32, sent_crc(kUp));
  EXPECT_EQ(received[2].body_crc32, sent_crc(100000));
}

// Answers around a record's size (16 KiB), with a length and chunked, one
// after another on one connection: whether a head goes with its body in one
// record or alone before it, and whether a body is relayed from where it was
// read, every byte arrives once and in order.
TEST_F(HttpsTest, AnswersAroundARecordsSizeArriveWhole) {
  const std::vector<std::uint64_t> sizes = {16383, 16384, 16385, 20000, 2 * 16384 + 7};
  for (const std::uint64_t size : sizes) {
    origin_.on(fmt::format("/length/{}", size), [size](const ReceivedRequest&) {
      OriginReply reply;
      reply.pattern_body_bytes = size;
      return reply;
    });
    origin_.on(fmt::format("/chunked/{}", size), [size](const ReceivedRequest&) {
      OriginReply reply;
      reply.body = pattern_string(size);
      reply.chunked = true;
      reply.chunk_size = 16384;
      return reply;
    });
  }
  ASSERT_TRUE(start_https());
  std::string requests;
  for (const std::uint64_t size : sizes) {
    for (const char* framing : {"length", "chunked"}) {
      if (!requests.empty()) requests += ", ";
      requests += fmt::format(R"({{"path": "/{}/{}"}})", framing, size);
    }
  }
  const JsonValue answer = client(fmt::format(R"("sni": "localhost", "requests": [{}])", requests));
  ASSERT_TRUE(ok(answer)) << describe(answer);
  for (std::size_t i = 0; i < 2 * sizes.size(); ++i) {
    const std::uint64_t size = sizes[i / 2];
    SCOPED_TRACE(fmt::format("request {} ({} bytes)", i, size));
    EXPECT_EQ(status(answer, i), 200);
    const JsonValue* got = response(answer, i);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->number_at("body_len"), static_cast<double>(size));
    EXPECT_EQ(got->number_at("body_crc"), static_cast<double>(pattern_crc32(size)));
  }
}

TEST_F(HttpsTest, CurlWithTheCaIsServed) {
  ASSERT_TRUE(start_https());
  const CommandResult curl =
      run_command({"/usr/bin/curl", "-sS", "--cacert", certs_.ca(), "--resolve",
                   fmt::format("localhost:{}:127.0.0.1", port()), "-o", "/dev/null", "-w",
                   "%{http_code}", fmt::format("https://localhost:{}/curl", port())});
  EXPECT_EQ(curl.out, "200") << "exit " << curl.exit_code << ": " << curl.output();
}

// Client-initiated renegotiation (TLS 1.2), a classic CPU drain, is refused.
TEST_F(HttpsTest, RenegotiationIsRefused) {
  ASSERT_TRUE(start_https());
  const CommandResult renegotiate = run_command(
      {"/bin/sh", "-c",
       fmt::format("(printf 'R\\n'; sleep 1) | openssl s_client -connect 127.0.0.1:{} -tls1_2 "
                   "-servername localhost -CAfile {} 2>&1",
                   port(), certs_.ca())},
      std::chrono::seconds(15));
  EXPECT_NE(renegotiate.output().find("RENEGOTIATING"), std::string::npos) << renegotiate.output();
  EXPECT_NE(renegotiate.output().find("no renegotiation"), std::string::npos)
      << renegotiate.output();
  EXPECT_TRUE(ok(client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]")));
}

TEST_F(HttpsTest, ChunkedRequestBodyPasses) {
  ASSERT_TRUE(start_https());
  std::string body(5000, 'x');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  const JsonValue answer = client(fmt::format(
      "\"sni\": \"localhost\", \"requests\": [{{\"method\": \"POST\", \"path\": \"/up\", "
      "\"chunked\": true, \"body\": \"{}\"}}, {{\"path\": \"/after\"}}]",
      body));
  ASSERT_TRUE(ok(answer)) << describe(answer);
  EXPECT_EQ(status(answer, 0), 200);
  EXPECT_EQ(status(answer, 1), 200);
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].body, body);
}

TEST_F(HttpsTest, SniPicksExactWildcardOrDefaultCertificate) {
  extra_certs_.push_back(certs_.leaf("exact", {"api.example.test"}));
  extra_certs_.push_back(certs_.leaf("wild", {"*.wild.test"}));
  extra_certs_.push_back(certs_.leaf("cn-only", {}, 30, "cn.test"));
  ASSERT_TRUE(start_https());
  const auto san_of = [&](const std::string& sni) {
    const JsonValue answer = client(fmt::format(
        "\"sni\": \"{}\", \"check_hostname\": false, \"requests\": [{{\"path\": \"/\"}}]", sni));
    if (!ok(answer)) return "error: " + describe(answer);
    const JsonValue* san = answer.at("san");
    if (san != nullptr && !san->items.empty()) return san->items[0].text;
    return "cn:" + answer.string_at("subject.commonName");
  };
  EXPECT_EQ(san_of("api.example.test"), "api.example.test");
  EXPECT_EQ(san_of("API.Example.Test"), "api.example.test");
  EXPECT_EQ(san_of("x.wild.test"), "*.wild.test");
  EXPECT_EQ(san_of("a.b.wild.test"), "localhost");  // a wildcard is one label
  EXPECT_EQ(san_of("cn.test"), "cn:cn.test");
  EXPECT_EQ(san_of("unknown.test"), "localhost");
}

TEST_F(HttpsTest, Tls11IsRefusedAndTls12And13Served) {
  ASSERT_TRUE(start_https());
  const JsonValue old = client("\"sni\": \"localhost\", \"min\": \"1.1\", \"max\": \"1.1\"");
  EXPECT_FALSE(ok(old));
  const JsonValue v12 =
      client("\"sni\": \"localhost\", \"max\": \"1.2\", \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(v12)) << describe(v12);
  EXPECT_EQ(v12.string_at("version"), "TLSv1.2");
  EXPECT_EQ(v12.string_at("cipher"), "ECDHE-ECDSA-AES128-GCM-SHA256");
  const JsonValue v13 = client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(v13)) << describe(v13);
  EXPECT_EQ(v13.string_at("version"), "TLSv1.3");
  EXPECT_EQ(metric("centinela_tls_handshake_failures_total",
                   {{"listener", fmt::format("127.0.0.1:{}", port())}, {"reason", "version"}}),
            1);
  EXPECT_EQ(metric("centinela_tls_handshakes_total",
                   {{"listener", fmt::format("127.0.0.1:{}", port())}, {"version", "TLSv1.2"}}),
            1);
}

TEST_F(HttpsTest, MinVersion13RefusesTls12) {
  tls_extra_ = "min_version: \"1.3\"";
  ASSERT_TRUE(start_https());
  EXPECT_FALSE(ok(client("\"sni\": \"localhost\", \"max\": \"1.2\"")));
  const JsonValue v13 = client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]");
  EXPECT_TRUE(ok(v13)) << describe(v13);
}

TEST_F(HttpsTest, CipherOverrideIsHonoured) {
  tls_extra_ = "ciphers: \"ECDHE-ECDSA-CHACHA20-POLY1305\"";
  ASSERT_TRUE(start_https());
  const JsonValue v12 =
      client("\"sni\": \"localhost\", \"max\": \"1.2\", \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(v12)) << describe(v12);
  EXPECT_EQ(v12.string_at("cipher"), "ECDHE-ECDSA-CHACHA20-POLY1305");
  EXPECT_FALSE(
      ok(client("\"sni\": \"localhost\", \"max\": \"1.2\", "
                "\"ciphers\": \"ECDHE-ECDSA-AES128-GCM-SHA256\"")));
}

TEST_F(HttpsTest, AlpnAnswersHttp11Only) {
  ASSERT_TRUE(start_https());
  const JsonValue both = client(
      "\"sni\": \"localhost\", \"alpn\": [\"h2\", \"http/1.1\"], \"requests\": [{\"path\": "
      "\"/\"}]");
  ASSERT_TRUE(ok(both)) << describe(both);
  EXPECT_EQ(both.string_at("alpn"), "http/1.1");
  EXPECT_EQ(status(both, 0), 200);
  // Only h2 offered: no protocol is agreed on, h2 is never claimed.
  const JsonValue h2 = client("\"sni\": \"localhost\", \"alpn\": [\"h2\"]");
  if (ok(h2)) {
    EXPECT_NE(h2.string_at("alpn", "none"), "h2");
  }
}

// Reads until the peer closes; false if it did not within `timeout`.
bool closed_within(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    const long n = recv_some(fd, buffer, sizeof buffer, deadline);
    if (n == 0) return true;
    if (n < 0) return errno != ETIMEDOUT;  // a reset is a close too
  }
}

TEST_F(HttpsTest, PlaintextHttpToTheTlsPortClosesAtOnce) {
  config_.limits = "header_timeout: 60s";
  ASSERT_TRUE(start_https());
  Socket socket = connect_loopback(port(), 2000ms);
  ASSERT_TRUE(socket.valid());
  ASSERT_TRUE(
      send_all(socket.fd(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", Clock::now() + 2000ms));
  // Far sooner than the header timeout: the handshake fails on the first bytes.
  EXPECT_TRUE(closed_within(socket.fd(), 20000ms));
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_tls_handshake_failures_total",
                      {{"listener", fmt::format("127.0.0.1:{}", port())},
                       {"reason", "plaintext_http"}}) == 1;
      },
      3000ms));
}

TEST_F(HttpsTest, StalledHandshakeIsClosedByTheTimeout) {
  config_.limits = "header_timeout: 1s";
  ASSERT_TRUE(start_https());
  Socket silent = connect_loopback(port(), 2000ms);
  ASSERT_TRUE(silent.valid());
  // Half a ClientHello record header, then nothing.
  ASSERT_TRUE(send_all(silent.fd(), std::string("\x16\x03\x01", 3), Clock::now() + 2000ms));
  EXPECT_TRUE(closed_within(silent.fd(), 20000ms));
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_tls_handshake_failures_total",
                      {{"listener", fmt::format("127.0.0.1:{}", port())}, {"reason", "timeout"}}) ==
               1;
      },
      3000ms));
  EXPECT_TRUE(ok(client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]")));
}

// A ClientHello dripped a byte at a time does not hold the connection:
// the handshake has one deadline, not one per read.
TEST_F(HttpsTest, DrippedClientHelloIsClosedByTheTimeout) {
  config_.limits = "header_timeout: 1s";
  ASSERT_TRUE(start_https());
  const JsonValue answer = client("\"sni\": \"localhost\", \"drip\": 0.1");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  const JsonValue* closed = answer.get("closed");
  ASSERT_NE(closed, nullptr);
  EXPECT_TRUE(closed->boolean) << "sent " << json_number(answer, "sent") << " of "
                               << json_number(answer, "of");
  EXPECT_LT(json_number(answer, "sent"), json_number(answer, "of"));
}

// Requests whose TLS records reach the gateway a byte at a time: each read
// brings OpenSSL part of a record (the connection must neither park on it
// nor take it for a whole one); the second wakes a parked connection.
TEST_F(HttpsTest, RecordsArrivingAByteAtATimeAreServed) {
  ASSERT_TRUE(start_https());
  const JsonValue answer = client(
      "\"sni\": \"localhost\", \"record_drip\": 0.002, \"requests\": [{\"path\": \"/1\"}, "
      "{\"method\": \"POST\", \"path\": \"/2\", \"body\": \"dripped body\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  EXPECT_EQ(status(answer, 0), 200);
  EXPECT_EQ(status(answer, 1), 200);
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].body, "dripped body");
}

// Many requests, some with bodies of several records, sent in one burst:
// more than one socket read holds, records straddling the reads.
TEST_F(HttpsTest, PipelinedBurstOfRecordsIsServedInOrder) {
  ASSERT_TRUE(start_https());
  std::string requests;
  for (int i = 0; i < 24; ++i) {
    if (i != 0) requests += ", ";
    requests += i % 3 == 1 ? fmt::format(
                                 "{{\"method\": \"POST\", \"path\": \"/up/{}\", "
                                 "\"body_bytes\": 40000}}",
                                 i)
                           : fmt::format("{{\"path\": \"/get/{}\"}}", i);
  }
  const JsonValue answer = client(
      fmt::format("\"sni\": \"localhost\", \"pipeline\": true, \"requests\": [{}]", requests));
  ASSERT_TRUE(ok(answer)) << describe(answer);
  for (std::size_t i = 0; i < 24; ++i) EXPECT_EQ(status(answer, i), 200) << i;
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 24u);
  EXPECT_EQ(received[1].path(), "/up/1");
  EXPECT_EQ(received[1].body_bytes, 40000u);
  EXPECT_EQ(received[22].body_bytes, 40000u);
  EXPECT_EQ(received[23].path(), "/get/23");
}

// After its first request a connection parks (a readiness wait on the
// socket); the next request, seconds later, wakes it and is served.
TEST_F(HttpsTest, ParkedConnectionWakesAndServes) {
  ASSERT_TRUE(start_https());
  const JsonValue answer = client(
      "\"sni\": \"localhost\", \"pause\": 1.5, \"requests\": [{\"path\": \"/1\"}, "
      "{\"path\": \"/2\"}, {\"path\": \"/3\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  EXPECT_EQ(status(answer, 0), 200);
  EXPECT_EQ(status(answer, 1), 200);
  EXPECT_EQ(status(answer, 2), 200);
}

// An idle TLS connection gives OpenSSL's record buffers back: hundreds of
// parked connections cost far less than their 2 x 16 KiB buffers would. What
// is left (the SSL state and its ciphers, the socket, the parked wait) is
// ~16 KiB under glibc's malloc and ~17.4 KiB under mimalloc's size classes
// (2026-12-07); a connection that kept even one buffer would pass 32 KiB.
TEST_F(HttpsTest, IdleConnectionsKeepLittleMemory) {
  ASSERT_TRUE(start_https());
  ASSERT_TRUE(ok(client("\"sni\": \"localhost\", \"requests\": [{\"path\": \"/\"}]")));
  constexpr int kConnections = 400;
  const std::uint64_t before = gateway_->rss_bytes();
  const std::string out = dir_.file("hold.out");
  ChildProcess holder({"/usr/bin/python3", CENTINELA_SOURCE_DIR "/tests/integration/tls_client.py",
                       fmt::format("{{\"port\": {}, \"ca\": {}, \"sni\": \"localhost\", "
                                   "\"hold\": {}, \"seconds\": 30}}",
                                   port(), json_quote(certs_.ca()), kConnections)},
                      out, dir_.file("hold.err"));
  ASSERT_TRUE(eventually([&] { return read_file(out).find("open") != std::string::npos; }, 60s))
      << read_file(dir_.file("hold.err"));
  // Every connection parked after its request.
  ASSERT_TRUE(eventually(
      [&] { return metric("centinela_connections_active").value_or(0) >= kConnections; }, 5s));
  const std::uint64_t after = gateway_->rss_bytes();
  const std::uint64_t per_connection = (after > before ? after - before : 0) / kConnections;
  RecordProperty("rss_per_connection", std::to_string(per_connection));
  EXPECT_LT(per_connection, 20u * 1024) << "RSS grew by " << after - before;
}

TEST_F(HttpsTest, AccessLogRecordsVersionCipherAndSni) {
  ASSERT_TRUE(start_https());
  const JsonValue answer =
      client("\"sni\": \"default.test\", \"requests\": [{\"path\": \"/logged\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  const auto entry =
      wait_for_access_log([](const JsonValue& e) { return e.string_at("path") == "/logged"; });
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->string_at("tls_version"), "TLSv1.3");
  EXPECT_EQ(entry->string_at("tls_cipher"), answer.string_at("cipher"));
  EXPECT_EQ(entry->string_at("tls_sni"), "default.test");
}

TEST_F(HttpsTest, EcsAccessLogHasTlsFields) {
  config_.access_log_format = "ecs";
  ASSERT_TRUE(start_https());
  const JsonValue answer =
      client("\"sni\": \"default.test\", \"requests\": [{\"path\": \"/ecs\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  const auto entry =
      wait_for_access_log([](const JsonValue& e) { return e.string_at("url.path") == "/ecs"; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("url.scheme"), "https");
  EXPECT_EQ(entry->string_at("tls.version"), "1.3");
  EXPECT_EQ(entry->string_at("tls.version_protocol"), "tls");
  EXPECT_EQ(entry->string_at("tls.cipher"), answer.string_at("cipher"));
  EXPECT_EQ(entry->string_at("tls.client.server_name"), "default.test");
}

TEST_F(HttpsTest, OtelAccessLogHasTlsAttributes) {
  config_.access_log_format = "otel";
  ASSERT_TRUE(start_https());
  const JsonValue answer =
      client("\"sni\": \"default.test\", \"max\": \"1.2\", \"requests\": [{\"path\": \"/otel\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  const auto entry = wait_for_access_log([](const JsonValue& e) {
    const JsonValue* attributes = e.get("attributes");
    const JsonValue* path = attributes ? attributes->get("url.path") : nullptr;
    return path != nullptr && path->text == "/otel";
  });
  ASSERT_TRUE(entry) << access_log_text();
  const JsonValue& attributes = *entry->get("attributes");
  const auto text = [&](const char* name) {
    const JsonValue* value = attributes.get(name);
    return value != nullptr ? value->text : std::string("(absent)");
  };
  EXPECT_EQ(text("url.scheme"), "https");
  EXPECT_EQ(text("tls.protocol.name"), "tls");
  EXPECT_EQ(text("tls.protocol.version"), "1.2");
  EXPECT_EQ(text("tls.cipher"), "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(text("tls.client.server_name"), "default.test");
}

TEST_F(HttpsTest, SessionsResumeWithTickets) {
  ASSERT_TRUE(start_https());
  for (const char* version : {"1.2", "1.3"}) {
    const JsonValue answer =
        client(fmt::format("\"sni\": \"localhost\", \"max\": \"{}\", \"resume\": true, "
                           "\"requests\": [{{\"path\": \"/\"}}]",
                           version));
    ASSERT_TRUE(ok(answer)) << describe(answer);
    const JsonValue* reused = answer.get("reused");
    ASSERT_NE(reused, nullptr);
    EXPECT_TRUE(reused->boolean) << version;
    EXPECT_EQ(status(answer, 1), 200);
  }
}

TEST_F(HttpsTest, SessionTicketsCanBeTurnedOff) {
  tls_extra_ = "session_tickets: false";
  ASSERT_TRUE(start_https());
  const JsonValue answer =
      client("\"sni\": \"localhost\", \"resume\": true, \"requests\": [{\"path\": \"/\"}]");
  ASSERT_TRUE(ok(answer)) << describe(answer);
  const JsonValue* reused = answer.get("reused");
  ASSERT_NE(reused, nullptr);
  EXPECT_FALSE(reused->boolean);
}

}  // namespace
}  // namespace itest
