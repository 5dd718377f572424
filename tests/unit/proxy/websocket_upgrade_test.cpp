#include "proxy/websocket_upgrade.h"

#include <gtest/gtest.h>

#include <vector>

namespace centinela::proxy {
namespace {

RequestHead request(http::verb method, unsigned version,
                    std::initializer_list<std::pair<const char*, const char*>> fields) {
  RequestHead head;
  head.method(method);
  head.target("/chat");
  head.version(version);
  for (const auto& [name, value] : fields) head.insert(name, value);
  return head;
}

TEST(WebSocketHandshake, AGetWithBothTokensInAnyCase) {
  EXPECT_TRUE(is_websocket_handshake(
      request(http::verb::get, 11, {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}})));
  EXPECT_TRUE(is_websocket_handshake(request(
      http::verb::get, 11, {{"Connection", "keep-alive, UPGRADE"}, {"Upgrade", "WebSocket"}})));
  EXPECT_TRUE(is_websocket_handshake(request(
      http::verb::get, 11,
      {{"Connection", "keep-alive"}, {"Connection", "upgrade"}, {"Upgrade", "websocket"}})));
  EXPECT_TRUE(is_websocket_handshake(
      request(http::verb::get, 11,
              {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Content-Length", "0"}})));
}

TEST(WebSocketHandshake, AnythingElseIsNot) {
  // h2c and other protocols
  EXPECT_FALSE(is_websocket_handshake(request(
      http::verb::get, 11, {{"Connection", "Upgrade, HTTP2-Settings"}, {"Upgrade", "h2c"}})));
  EXPECT_FALSE(is_websocket_handshake(
      request(http::verb::get, 11, {{"Connection", "Upgrade"}, {"Upgrade", "websocket/13"}})));
  // no Connection: upgrade, or no Upgrade
  EXPECT_FALSE(is_websocket_handshake(request(http::verb::get, 11, {{"Upgrade", "websocket"}})));
  EXPECT_FALSE(is_websocket_handshake(request(http::verb::get, 11, {{"Connection", "upgrade"}})));
  // HTTP/1.0, another method, a body
  EXPECT_FALSE(is_websocket_handshake(
      request(http::verb::get, 10, {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}})));
  EXPECT_FALSE(is_websocket_handshake(
      request(http::verb::post, 11, {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}})));
  EXPECT_FALSE(is_websocket_handshake(
      request(http::verb::get, 11,
              {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Content-Length", "5"}})));
  EXPECT_FALSE(is_websocket_handshake(request(
      http::verb::get, 11,
      {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Transfer-Encoding", "chunked"}})));
}

// A head as the upstream sends it, parsed (its lines kept in `room`).
std::vector<centinela::http::FieldLine> room(16);
centinela::http::ResponseHead parsed(const char* block) {
  centinela::http::ResponseHead head;
  EXPECT_EQ(centinela::http::parse_status_line(block, head),
            centinela::http::ResponseHeadError::none);
  EXPECT_EQ(centinela::http::parse_field_lines(head, room),
            centinela::http::ResponseHeadError::none);
  return head;
}

TEST(WebSocketAccept, OnlyA101ForWebSocket) {
  EXPECT_TRUE(accepts_websocket(parsed("HTTP/1.1 101 Switching\r\nUpgrade: WebSocket\r\n")));
  EXPECT_TRUE(accepts_websocket(
      parsed("HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\nupgrade: foo, websocket\r\n")));
  EXPECT_FALSE(accepts_websocket(parsed("HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\n")));
  EXPECT_FALSE(accepts_websocket(parsed("HTTP/1.1 101 Switching\r\nUpgrade: websocket/13\r\n")));
  EXPECT_FALSE(accepts_websocket(parsed("HTTP/1.1 200 OK\r\nUpgrade: websocket\r\n")));
}

}  // namespace
}  // namespace centinela::proxy
