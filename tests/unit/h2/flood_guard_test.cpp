// FloodGuard wired into a real nghttp2 server session the way the connection
// wires it (on_frame_recv_callback), attacked with raw frames in memory.
#include "h2/flood_guard.h"

#include <gtest/gtest.h>

#include <string>

#include "http/http2_preface.h"

namespace centinela::h2 {
namespace {

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  const std::string& payload) {
  std::string f;
  const auto n = payload.size();
  for (int shift : {16, 8, 0}) f += static_cast<char>(n >> shift);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0}) f += static_cast<char>(stream >> shift);
  return f + payload;
}

const std::string kGetBlock("\x82\x86\x84\x41\x01\x61", 6);
const std::string kPostBlock("\x83\x86\x84\x41\x01\x61", 6);

struct GuardedServer {
  explicit GuardedServer(const FloodBounds& bounds) : guard(bounds) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        callbacks, [](nghttp2_session* session, const nghttp2_frame* frame, void* user) {
          auto* self = static_cast<GuardedServer*>(user);
          if (self->guard.on_frame(*frame, self->now_ms)) return 0;
          self->refused = true;
          return FloodGuard::refuse(session);
        });
    session = make_server_session(*callbacks, this, SessionBounds{});
    nghttp2_session_callbacks_del(callbacks);
  }
  std::string feed(const std::string& bytes) {
    nghttp2_session_mem_recv(session.get(), reinterpret_cast<const std::uint8_t*>(bytes.data()),
                             bytes.size());
    std::string out;
    for (;;) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session.get(), &data);
      if (n <= 0) break;
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return out;
  }
  // Whether `out` holds GOAWAY(ENHANCE_YOUR_CALM).
  static bool calm_down(const std::string& out) {
    std::size_t at = 0;
    while (at + 9 <= out.size()) {
      const auto* p = reinterpret_cast<const unsigned char*>(out.data() + at);
      const std::size_t length = (p[0] << 16) | (p[1] << 8) | p[2];
      if (p[3] == NGHTTP2_GOAWAY && length >= 8 && p[16] == NGHTTP2_ENHANCE_YOUR_CALM) return true;
      at += 9 + length;
    }
    return false;
  }

  FloodGuard guard;
  SessionPtr session;
  std::uint64_t now_ms = 0;
  bool refused = false;
};

std::string start() {
  return std::string(http::kHttp2Preface) + frame(NGHTTP2_SETTINGS, 0, 0, "") +
         frame(NGHTTP2_SETTINGS, NGHTTP2_FLAG_ACK, 0, "");
}

TEST(FloodGuard, EmptyDataFloodGetsEnhanceYourCalm) {
  FloodBounds bounds;
  bounds.free_frame_burst = 50;
  GuardedServer server(bounds);
  std::string attack = start() + frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, 1, kPostBlock);
  for (int i = 0; i < 1000; ++i) attack += frame(NGHTTP2_DATA, 0, 1, "");
  EXPECT_TRUE(GuardedServer::calm_down(server.feed(attack)));
  EXPECT_TRUE(server.refused);
  EXPECT_FALSE(nghttp2_session_want_read(server.session.get()));
}

TEST(FloodGuard, PingAndPriorityFloodsGetEnhanceYourCalm) {
  for (std::uint8_t type : {NGHTTP2_PING, NGHTTP2_PRIORITY, NGHTTP2_WINDOW_UPDATE}) {
    FloodBounds bounds;
    bounds.free_frame_burst = 50;
    GuardedServer server(bounds);
    std::string attack = start();
    for (int i = 0; i < 1000; ++i) {
      if (type == NGHTTP2_PING) attack += frame(type, 0, 0, std::string(8, 'p'));
      if (type == NGHTTP2_PRIORITY) attack += frame(type, 0, 3, std::string("\0\0\0\x01\x10", 5));
      if (type == NGHTTP2_WINDOW_UPDATE) attack += frame(type, 0, 0, std::string("\0\0\0\x01", 4));
    }
    EXPECT_TRUE(GuardedServer::calm_down(server.feed(attack))) << int(type);
  }
}

TEST(FloodGuard, RapidResetGetsEnhanceYourCalm) {
  FloodBounds bounds;
  bounds.reset_burst = 20;
  GuardedServer server(bounds);
  std::string attack = start();
  for (std::uint32_t id = 1; id < 400; id += 2) {
    attack += frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS, id, kGetBlock);
    attack += frame(NGHTTP2_RST_STREAM, 0, id, std::string("\0\0\0\x08", 4));
  }
  EXPECT_TRUE(GuardedServer::calm_down(server.feed(attack)));
}

TEST(FloodGuard, AnOrdinaryClientStaysWithinTheBudget) {
  GuardedServer server(FloodBounds{});
  std::string traffic = start();
  for (std::uint32_t id = 1; id < 200; id += 2) {
    traffic +=
        frame(NGHTTP2_HEADERS, NGHTTP2_FLAG_END_HEADERS | NGHTTP2_FLAG_END_STREAM, id, kGetBlock);
    traffic += frame(NGHTTP2_WINDOW_UPDATE, 0, 0, std::string("\0\0\x10\0", 4));
  }
  traffic += frame(NGHTTP2_PING, 0, 0, std::string(8, 'p'));
  EXPECT_FALSE(GuardedServer::calm_down(server.feed(traffic)));
  EXPECT_FALSE(server.refused);
  EXPECT_TRUE(nghttp2_session_want_read(server.session.get()));
}

TEST(FloodGuard, TheBudgetRefillsOverTime) {
  FloodBounds bounds;
  bounds.free_frame_burst = 10;
  bounds.free_frame_rate = 10;
  GuardedServer server(bounds);
  server.feed(start());  // 2 SETTINGS frames spent
  for (int second = 0; second < 20; ++second) {
    server.now_ms = 1000u * second;
    std::string pings;
    for (int i = 0; i < 5; ++i) pings += frame(NGHTTP2_PING, 0, 0, std::string(8, 'p'));
    EXPECT_FALSE(GuardedServer::calm_down(server.feed(pings))) << second;
  }
}

}  // namespace
}  // namespace centinela::h2
