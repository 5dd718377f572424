// WebSockets through the gateway (issue 14, point 1), against a real origin:
// a FastAPI app under uvicorn (websocket_origin.py), and a raw origin where
// the upstream has to misbehave. The client is a hand-written WebSocket
// client on a raw socket (websocket_client.h), so every byte is seen.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "child_process.h"
#include "gateway_fixture.h"
#include "raw_origin.h"
#include "websocket_client.h"

namespace itest {
namespace {

constexpr const char* kOriginScript = CENTINELA_SOURCE_DIR "/tests/integration/websocket_origin.py";
// Debian's interpreter: the one python3-fastapi, -uvicorn and -websockets are for.
constexpr const char* kPython = "/usr/bin/python3";

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + 7) & 0xff);
  return bytes;
}

class WebSocketTest : public GatewayTest {
 protected:
  WebSocketTest() {
    config_.upstreams["ws"] = upstream_yaml({"127.0.0.1:" + std::to_string(ws_port_.port())});
    routes_with("");
  }

  void SetUp() override {
    const std::string out = dir_.file("ws_origin.out");
    const std::string err = dir_.file("ws_origin.err");
    ws_origin_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kPython, kOriginScript, std::to_string(ws_port_.port())}, out,
        err);
    ASSERT_TRUE(ws_origin_->started()) << ws_origin_->error();
    ASSERT_TRUE(eventually([&] { return read_file(out).find("ready") != std::string::npos; }, 20s))
        << "the WebSocket origin did not start: " << read_file(err);
  }

  // The route "ws" on /ws/ with `extra` in its flow mapping, and "api" for the rest.
  void routes_with(const std::string& extra) {
    config_.routes = {"{name: ws, match: {prefix: \"/ws/\"}, upstream: ws" +
                          (extra.empty() ? "" : ", " + extra) + "}",
                      R"({name: api, match: {prefix: "/"}, upstream: api})"};
  }

  // A handshake that must be accepted.
  ::testing::AssertionResult open(WsClient& client, const std::string& target,
                                  const HeaderList& extra = {}) {
    WsHandshake answer = client.open(port(), target, extra);
    if (answer.status != 101) {
      return ::testing::AssertionFailure()
             << "status " << answer.status << " " << answer.error << " " << answer.body;
    }
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult echoes(WsClient& client, int opcode, const std::string& payload) {
    if (!client.send(opcode, payload)) return ::testing::AssertionFailure() << "send failed";
    std::optional<WsFrame> frame = client.read_frame(10s);
    if (!frame) return ::testing::AssertionFailure() << "no echo (eof: " << client.eof() << ")";
    if (frame->opcode != opcode || frame->payload != payload) {
      return ::testing::AssertionFailure()
             << "got opcode " << frame->opcode << " with " << frame->payload.size() << " bytes";
    }
    return ::testing::AssertionSuccess();
  }

  std::optional<JsonValue> tunnel_log_line() {
    return wait_for_access_log(
        [](const JsonValue& line) { return line.number_at("status") == 101; }, 5s);
  }

  double tunnels_active() {
    return metric("centinela_websocket_tunnels_active", {{"route", "ws"}}).value_or(-1);
  }

  ReservedPort ws_port_;
  std::unique_ptr<ChildProcess> ws_origin_;
};

TEST_F(WebSocketTest, EchoesTextBinaryAndALargeMessage) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  WsHandshake answer = client.open(port(), "/ws/echo");
  ASSERT_EQ(answer.status, 101) << answer.error << answer.body;
  EXPECT_EQ(answer.header("Sec-WebSocket-Accept").value_or(""), WsClient::kAccept);
  EXPECT_TRUE(header_has_token(answer.headers, "Connection", "upgrade"));
  EXPECT_EQ(to_lower(answer.header("Upgrade").value_or("")), "websocket");
  EXPECT_TRUE(answer.header("X-Request-ID"));
  EXPECT_FALSE(answer.header("Content-Length"));
  EXPECT_FALSE(answer.header("Transfer-Encoding"));

  EXPECT_TRUE(echoes(client, 1, "hello through centinela"));
  EXPECT_TRUE(echoes(client, 2, pattern(256)));
  EXPECT_TRUE(echoes(client, 2, pattern(1024 * 1024)));
  EXPECT_TRUE(echoes(client, 1, "still there"));
}

// A direction reads into a small buffer of its own until one read fills it,
// then into 16 KiB chunks until one leaves room: messages on either side of
// both sizes, one after another, come back intact and in order.
TEST_F(WebSocketTest, MessagesAroundTheRelayBufferSizesComeBackIntact) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/echo"));
  for (std::size_t size :
       {2030u, 2040u, 2044u, 2048u, 2052u, 4096u, 16370u, 16380u, 16384u, 16400u, 40000u, 3u}) {
    EXPECT_TRUE(echoes(client, 2, pattern(size))) << size;
  }
}

TEST_F(WebSocketTest, TheOriginSeesTheHandshakeAndItsAnswerComesBack) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  WsHandshake answer =
      client.open(port(), "/ws/headers", {{"Sec-WebSocket-Protocol", "chat, superchat"}});
  ASSERT_EQ(answer.status, 101) << answer.error << answer.body;
  EXPECT_EQ(answer.header("Sec-WebSocket-Protocol").value_or(""), "chat");
  std::optional<WsFrame> frame = client.read_frame();
  ASSERT_TRUE(frame);
  const JsonValue seen = parse_json(frame->payload).value_or(JsonValue{});
  EXPECT_EQ(to_lower(seen.string_at("upgrade")), "websocket");
  EXPECT_TRUE(icontains(seen.string_at("connection"), "upgrade"));
  EXPECT_EQ(seen.string_at("sec-websocket-key"), WsClient::kKey);
  EXPECT_EQ(seen.string_at("sec-websocket-version"), "13");
  EXPECT_EQ(seen.string_at("x-request-id"), answer.header("X-Request-ID").value_or("(none)"));
  EXPECT_FALSE(seen.string_at("x-forwarded-for").empty());
}

TEST_F(WebSocketTest, ARouteWithWebSocketOffForwardsAPlainRequest) {
  routes_with("websocket: false");
  ASSERT_TRUE(start_gateway());
  WsClient client;
  WsHandshake answer = client.open(port(), "/ws/echo");
  ASSERT_EQ(answer.status, 200) << answer.error;
  const JsonValue seen = parse_json(answer.body).value_or(JsonValue{});
  EXPECT_EQ(seen.string_at("path"), "/ws/echo");
  EXPECT_EQ(seen.string_at("headers.upgrade", "(absent)"), "(absent)");
  EXPECT_FALSE(icontains(seen.string_at("headers.connection"), "upgrade"));
  EXPECT_EQ(metric("centinela_websocket_tunnels_total", {{"route", "ws"}, {"result", "opened"}}),
            std::nullopt);
}

TEST_F(WebSocketTest, ACachingRouteForwardsAPlainRequestUnlessItSaysWebSocketTrue) {
  routes_with("cache: {}");
  ASSERT_TRUE(start_gateway());
  WsClient plain;
  EXPECT_EQ(plain.open(port(), "/ws/echo").status, 200);

  routes_with("cache: {}, websocket: true");
  write_config_file();
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] {
        return metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0) == 1;
      },
      5s));
  WsClient upgraded;
  ASSERT_TRUE(open(upgraded, "/ws/echo"));
  EXPECT_TRUE(echoes(upgraded, 1, "not cached"));
}

TEST_F(WebSocketTest, H2cAndOtherUpgradesStayPlainRequests) {
  ASSERT_TRUE(start_gateway());
  for (const char* protocol : {"h2c", "example/1"}) {
    WsClient client;
    WsHandshake answer = client.open(port(), "/ws/echo",
                                     {{"Connection", "Upgrade, HTTP2-Settings"},
                                      {"Upgrade", protocol},
                                      {"HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"}});
    ASSERT_EQ(answer.status, 200) << protocol << ": " << answer.error;
    const JsonValue seen = parse_json(answer.body).value_or(JsonValue{});
    EXPECT_EQ(seen.string_at("headers.upgrade", "(absent)"), "(absent)") << protocol;
    EXPECT_EQ(seen.string_at("headers.http2-settings", "(absent)"), "(absent)") << protocol;
  }
  // A handshake with a body is no handshake either.
  HttpResponse with_body = http_request(
      port(), "POST", "/ws/echo", {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}}, "payload");
  EXPECT_NE(with_body.status, 101);
}

TEST_F(WebSocketTest, TheRateLimitRefusesAHandshakeWith429) {
  routes_with("rate_limit: [{name: per_ip, key: ip, limit: 1, window: 1m}]");
  ASSERT_TRUE(start_gateway());
  WsClient first;
  ASSERT_TRUE(open(first, "/ws/echo"));
  WsClient second;
  WsHandshake refused = second.open(port(), "/ws/echo");
  EXPECT_EQ(refused.status, 429) << refused.error;
  EXPECT_TRUE(refused.header("Retry-After"));
  EXPECT_TRUE(echoes(first, 1, "the first tunnel is unaffected"));
}

TEST_F(WebSocketTest, AJwtRequiredRouteRefusesAHandshakeWithoutAToken) {
  std::string yaml = config_.render();
  yaml +=
      "identity:\n  jwt: {hs256_secret: \"a-secret-of-at-least-32-bytes-long!!\", required: "
      "true}\n";
  write_config_file(yaml);
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());
  WsClient client;
  WsHandshake refused = client.open(port(), "/ws/echo");
  EXPECT_EQ(refused.status, 401) << refused.error;
  EXPECT_TRUE(refused.header("WWW-Authenticate"));
}

TEST_F(WebSocketTest, MaxTunnelsRefusesTheNextHandshakeWith503) {
  routes_with("websocket: {max_tunnels: 1}");
  ASSERT_TRUE(start_gateway());
  auto first = std::make_unique<WsClient>();
  ASSERT_TRUE(open(*first, "/ws/echo"));
  WsClient second;
  WsHandshake refused = second.open(port(), "/ws/echo");
  EXPECT_EQ(refused.status, 503) << refused.error;
  EXPECT_NE(refused.body.find("\"SERVICE_UNAVAILABLE\""), std::string::npos) << refused.body;
  EXPECT_EQ(metric("centinela_websocket_tunnels_total", {{"route", "ws"}, {"result", "refused"}}),
            1);
  // Once the first one closes, its place is free again.
  first->close();
  ASSERT_TRUE(eventually([&] { return tunnels_active() == 0; }, 5s));
  WsClient third;
  EXPECT_TRUE(open(third, "/ws/echo"));
}

TEST_F(WebSocketTest, TheIdleTimeoutClosesBothSides) {
  routes_with("websocket: {idle_timeout: 1s}");
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/echo"));
  EXPECT_TRUE(echoes(client, 1, "once"));
  EXPECT_TRUE(client.wait_closed(5s));
  std::optional<JsonValue> line = tunnel_log_line();
  ASSERT_TRUE(line) << access_log_text();
  EXPECT_GE(line->number_at("duration_ms").value_or(0), 1000);
  EXPECT_TRUE(eventually([&] { return tunnels_active() == 0; }, 5s));
}

TEST_F(WebSocketTest, TheAccessLogLineIsWrittenWhenTheTunnelClosesWithBytesEachWay) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/echo"));
  ASSERT_TRUE(echoes(client, 1, "hello"));
  EXPECT_FALSE(wait_for_access_log(
      [](const JsonValue& line) { return line.number_at("status") == 101; }, 300ms))
      << "a line before the tunnel closed";
  // The client ends its side; the origin then ends its own.
  client.shutdown_write();
  EXPECT_TRUE(client.wait_closed(5s));
  std::optional<JsonValue> line = tunnel_log_line();
  ASSERT_TRUE(line) << access_log_text();
  EXPECT_EQ(line->string_at("route"), "ws");
  EXPECT_EQ(line->string_at("method"), "GET");
  EXPECT_EQ(line->string_at("path"), "/ws/echo");
  EXPECT_EQ(line->number_at("tunnel_bytes_in"), 11);  // "hello" masked: 2 + 4 + 5
  EXPECT_EQ(line->number_at("tunnel_bytes_out"), 7);  // "hello": 2 + 5
  EXPECT_GE(line->number_at("duration_ms").value_or(0),
            line->number_at("handshake_ms").value_or(1));
  // `speed` goes by the handshake, not by the tunnel's life (300 ms and more
  // here, past log.slow_request.normal's 100 ms): a handshake under 100 ms is
  // fast however long the tunnel stayed open.
  EXPECT_GE(line->number_at("duration_ms").value_or(0), 300);
  if (line->number_at("handshake_ms").value_or(100) < 100) {
    EXPECT_EQ(line->string_at("speed"), "fast");
  }
}

TEST_F(WebSocketTest, MetricsCountTunnelsAndTheirBytes) {
  ASSERT_TRUE(start_gateway());
  {
    WsClient client;
    ASSERT_TRUE(open(client, "/ws/echo"));
    EXPECT_EQ(tunnels_active(), 1);
    ASSERT_TRUE(echoes(client, 1, "hello"));
    client.shutdown_write();
    EXPECT_TRUE(client.wait_closed(5s));
  }
  EXPECT_TRUE(eventually([&] { return tunnels_active() == 0; }, 5s));
  EXPECT_EQ(metric("centinela_websocket_tunnels_total", {{"route", "ws"}, {"result", "opened"}}),
            1);
  EXPECT_EQ(metric("centinela_websocket_bytes_total",
                   {{"route", "ws"}, {"direction", "client_to_upstream"}}),
            11);
  EXPECT_EQ(metric("centinela_websocket_bytes_total",
                   {{"route", "ws"}, {"direction", "upstream_to_client"}}),
            7);
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_requests_total",
                      {{"route", "ws"}, {"method", "GET"}, {"code", "101"}}) == 1;
      },
      5s));
}

TEST_F(WebSocketTest, AReloadKeepsAnOpenTunnel) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/echo"));
  ASSERT_TRUE(echoes(client, 1, "before the reload"));

  routes_with("websocket: {idle_timeout: 5m}");
  write_config_file();
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] {
        return metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0) == 1;
      },
      5s));
  EXPECT_TRUE(echoes(client, 1, "after the reload"));
  EXPECT_TRUE(echoes(client, 2, pattern(100000)));
  WsClient after;
  ASSERT_TRUE(open(after, "/ws/echo"));
  EXPECT_TRUE(echoes(after, 1, "a new tunnel on the new config"));
  EXPECT_EQ(tunnels_active(), 2);
}

TEST_F(WebSocketTest, DrainEndsATunnelWithACloseFrame1001AfterTheDrainTimeout) {
  config_.drain_timeout = "1s";
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/echo"));
  ASSERT_TRUE(echoes(client, 1, "before the drain"));
  const auto signalled = Clock::now();
  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  // The tunnel still works while the drain lasts.
  EXPECT_TRUE(echoes(client, 1, "during the drain"));
  std::optional<WsFrame> frame = client.read_frame(5s);
  ASSERT_TRUE(frame) << "no close frame; eof: " << client.eof();
  EXPECT_EQ(frame->opcode, 8);
  EXPECT_EQ(frame->close_code(), 1001);
  EXPECT_LT(Clock::now() - signalled, 3s);
  EXPECT_TRUE(client.wait_closed(3s));
  EXPECT_EQ(gateway_->wait_exit(5s), 0);
  // The origin heard the gateway's close frame (a masked client frame), not a cut.
  EXPECT_TRUE(eventually(
      [&] {
        return read_file(dir_.file("ws_origin.out")).find("echo closed 1001") != std::string::npos;
      },
      3s))
      << read_file(dir_.file("ws_origin.out"));
}

TEST_F(WebSocketTest, AnOriginThatClosesEndsTheTunnelPromptly) {
  ASSERT_TRUE(start_gateway());
  WsClient client;
  ASSERT_TRUE(open(client, "/ws/goodbye"));
  std::optional<WsFrame> said = client.read_frame();
  ASSERT_TRUE(said);
  EXPECT_EQ(said->payload, "goodbye");
  std::optional<WsFrame> close = client.read_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1000);
}

// An open tunnel that carries nothing holds little: its two small read
// buffers, the upstream connection, its log record and waits — not the
// request's slot (buffers, parser, context, arena), nor a 16 KiB relay chunk
// a direction. 2026-12-07: ~12.1 KiB a tunnel; ~20.0 KiB while each direction
// kept its chunk, ~35.8 KiB while tunnels kept their request slot.
TEST_F(WebSocketTest, IdleTunnelsKeepLittleMemory) {
  ASSERT_TRUE(start_gateway());
  // One tunnel first, so the workers' pools and the log's buffers exist.
  {
    WsClient warm;
    ASSERT_TRUE(open(warm, "/ws/echo"));
    ASSERT_TRUE(echoes(warm, 1, "warm"));
  }
  ASSERT_TRUE(eventually([&] { return tunnels_active() == 0; }, 5s));
  constexpr int kTunnels = 200;
  const std::uint64_t before = gateway_->rss_bytes();
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < kTunnels; ++i) {
    clients.push_back(std::make_unique<WsClient>());
    ASSERT_TRUE(open(*clients.back(), "/ws/echo")) << i;
    ASSERT_TRUE(echoes(*clients.back(), 1, "idle after this")) << i;
  }
  ASSERT_EQ(tunnels_active(), kTunnels);
  const std::uint64_t after = gateway_->rss_bytes();
  const std::uint64_t per_tunnel = (after > before ? after - before : 0) / kTunnels;
  RecordProperty("rss_per_tunnel", std::to_string(per_tunnel));
  std::printf("rss per idle tunnel: %llu bytes\n", static_cast<unsigned long long>(per_tunnel));
  EXPECT_LT(per_tunnel, 16u * 1024) << "RSS grew by " << after - before;
  // Every one of them still works.
  EXPECT_TRUE(echoes(*clients.front(), 1, "first"));
  EXPECT_TRUE(echoes(*clients.back(), 1, "last"));
}

// Upstreams that misbehave, byte by byte.
class WebSocketRawOriginTest : public GatewayTest {
 protected:
  void start_raw(RawScript script) {
    raw_ = std::make_unique<RawOrigin>(std::move(script));
    config_.upstreams["raw"] = upstream_yaml({raw_->address()});
    config_.routes = {R"({name: raw, match: {prefix: "/"}, upstream: raw})"};
  }
  std::unique_ptr<RawOrigin> raw_;
};

constexpr std::string_view kSwitching =
    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

TEST_F(WebSocketRawOriginTest, A101ToAPlainRequestIsABadGateway) {
  start_raw([](RawConnection& connection) {
    if (connection.read_request()) connection.write(kSwitching);
    connection.wait_closed(5s);
  });
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/plain");
  EXPECT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY"));
}

TEST_F(WebSocketRawOriginTest, AnUpstreamThatHangsUpClosesTheClientPromptly) {
  start_raw([](RawConnection& connection) {
    if (!connection.read_request()) return;
    // The 101 and a first frame in one write, then the connection is cut.
    connection.write(std::string(kSwitching) + std::string("\x81\x02hi", 4));
    connection.mark("switched");
    connection.pause(200ms);
    connection.hang_up();
  });
  ASSERT_TRUE(start_gateway());
  WsClient client;
  WsHandshake answer = client.open(port(), "/ws");
  ASSERT_EQ(answer.status, 101) << answer.error;
  std::optional<WsFrame> frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->payload, "hi");
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST_F(WebSocketRawOriginTest, ANon101AnswerToAHandshakeIsAnOrdinaryResponse) {
  start_raw([](RawConnection& connection) {
    while (connection.read_request()) {
      connection.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope");
    }
  });
  ASSERT_TRUE(start_gateway());
  WsClient client;
  WsHandshake answer = client.open(port(), "/ws");
  EXPECT_EQ(answer.status, 403) << answer.error;
  EXPECT_EQ(answer.body, "nope");
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_websocket_tunnels_total",
                      {{"route", "raw"}, {"result", "rejected"}}) == 1;
      },
      5s));
}

}  // namespace
}  // namespace itest
