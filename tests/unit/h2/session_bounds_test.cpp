// The hardened server session against raw-frame attacks, in memory: bytes in
// through nghttp2_session_mem_recv, the server's answer out through
// nghttp2_session_mem_send, no sockets.
#include "h2/session_bounds.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "http/http2_preface.h"

namespace centinela::h2 {
namespace {

constexpr std::uint8_t kData = 0, kHeaders = 1, kRstStream = 3, kSettings = 4, kGoaway = 7,
                       kContinuation = 9;
constexpr std::uint8_t kEndStream = 0x1, kEndHeaders = 0x4;
constexpr std::uint32_t kEnhanceYourCalm = 0xb;

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  const std::string& payload) {
  std::string f;
  const auto n = payload.size();
  f += static_cast<char>(n >> 16);
  f += static_cast<char>(n >> 8);
  f += static_cast<char>(n);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  f += static_cast<char>(stream >> 24);
  f += static_cast<char>(stream >> 16);
  f += static_cast<char>(stream >> 8);
  f += static_cast<char>(stream);
  return f + payload;
}

// GET http://a/ in HPACK: static-table :method GET, :scheme http, :path /, and
// :authority "a" as a literal with incremental indexing.
const std::string kGetBlock("\x82\x86\x84\x41\x01\x61", 6);

std::string client_start() { return std::string(http::kHttp2Preface) + frame(kSettings, 0, 0, ""); }
// The client's ACK of the server's SETTINGS: only then do the server's bounds
// bind (RFC 9113 §6.5.3), until then the protocol's defaults apply.
const std::string kSettingsAck = frame(kSettings, 0x1, 0, "");

struct Server {
  explicit Server(const SessionBounds& bounds) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    session = make_server_session(*callbacks, nullptr, bounds);
    nghttp2_session_callbacks_del(callbacks);
  }
  // What the server says after `bytes`; the mem_recv result in `recv_result`.
  std::string feed(const std::string& bytes) {
    recv_result = nghttp2_session_mem_recv(
        session.get(), reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    std::string out;
    for (;;) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session.get(), &data);
      if (n <= 0) break;
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return out;
  }
  SessionPtr session;
  ssize_t recv_result = 0;
};

// The error code of the first frame of `type` (GOAWAY or RST_STREAM) among
// `frames`, or -1.
long error_in(const std::string& frames, std::uint8_t type) {
  const std::size_t code_at = type == kGoaway ? 13 : 9;
  std::size_t at = 0;
  while (at + 9 <= frames.size()) {
    const auto* p = reinterpret_cast<const unsigned char*>(frames.data() + at);
    const std::size_t length = (p[0] << 16) | (p[1] << 8) | p[2];
    if (p[3] == type && length >= code_at - 5) {
      const unsigned char* c = p + code_at;
      return (long(c[0]) << 24) | (c[1] << 16) | (c[2] << 8) | c[3];
    }
    at += 9 + length;
  }
  return -1;
}

long goaway_error(const std::string& frames) { return error_in(frames, kGoaway); }

TEST(SessionBounds, TheServerAdvertisesItsBounds) {
  SessionBounds bounds;
  bounds.max_concurrent_streams = 7;
  Server server(bounds);
  server.feed(client_start() + kSettingsAck);
  EXPECT_EQ(nghttp2_session_get_local_settings(server.session.get(),
                                               NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS),
            7u);
}

TEST(SessionBounds, AnOrdinaryRequestIsAccepted) {
  Server server(SessionBounds{});
  const std::string out =
      server.feed(client_start() + frame(kHeaders, kEndHeaders | kEndStream, 1, kGetBlock));
  EXPECT_GE(server.recv_result, 0);
  EXPECT_EQ(goaway_error(out), -1);
  EXPECT_TRUE(nghttp2_session_want_read(server.session.get()));
}

// Opens and cancels `streams` streams at once.
std::string open_and_cancel(std::uint32_t streams) {
  std::string attack = client_start() + kSettingsAck;
  const std::string cancel("\0\0\0\x08", 4);
  for (std::uint32_t i = 0; i < streams; ++i) {
    const std::uint32_t id = 2 * i + 1;
    attack += frame(kHeaders, kEndHeaders, id, kGetBlock);
    attack += frame(kRstStream, 0, id, cancel);
  }
  return attack;
}

TEST(SessionBounds, CancellingWithinTheBurstIsAllowed) {
  SessionBounds bounds;
  bounds.reset_burst = 100;
  bounds.reset_rate = 1;
  Server server(bounds);
  const std::string out = server.feed(open_and_cancel(50));
  EXPECT_EQ(goaway_error(out), -1);
  EXPECT_TRUE(nghttp2_session_want_read(server.session.get()));
}

// Debian's nghttp2 answers Rapid Reset past the bound with GOAWAY (its own error
// code, PROTOCOL_ERROR in 1.52+deb12u3) and reads no more from the client.
TEST(SessionBounds, RapidResetPastTheBoundGetsGoaway) {
  SessionBounds bounds;
  bounds.reset_burst = 10;
  bounds.reset_rate = 1;
  Server server(bounds);
  const std::string out = server.feed(open_and_cancel(1000));
  EXPECT_NE(goaway_error(out), -1);
  EXPECT_FALSE(nghttp2_session_want_read(server.session.get()));
}

TEST(SessionBounds, ContinuationFloodEndsTheSession) {
  SessionBounds bounds;
  bounds.max_continuations = 8;
  Server server(bounds);
  std::string attack = client_start() + frame(kHeaders, 0, 1, kGetBlock);
  // Each CONTINUATION adds a field ("x: y", literal without indexing), none ends the block.
  const std::string field("\x00\x01x\x01y", 5);
  for (int i = 0; i < 10000; ++i) attack += frame(kContinuation, 0, 1, field);
  const std::string out = server.feed(attack);
  // A fatal error: the connection code closes the connection on it.
  EXPECT_EQ(server.recv_result, NGHTTP2_ERR_TOO_MANY_CONTINUATIONS);
  (void)out;
}

TEST(SessionBounds, RequestBodyWindowIsNotReopenedUntilConsumed) {
  SessionBounds bounds;
  bounds.initial_window_size = 1024;
  Server server(bounds);
  std::string post = client_start() + kSettingsAck;
  // :method POST is static index 3.
  const std::string post_block("\x83\x86\x84\x41\x01\x61", 6);
  post += frame(kHeaders, kEndHeaders, 1, post_block);
  post += frame(kData, 0, 1, std::string(1024, 'b'));
  server.feed(post);
  EXPECT_EQ(nghttp2_session_get_stream_effective_recv_data_length(server.session.get(), 1), 1024);
  // The client cannot send past the stream's window: more DATA is a
  // flow-control error on the stream (the connection's window is larger).
  const std::string out = server.feed(frame(kData, 0, 1, std::string(512, 'b')));
  EXPECT_EQ(error_in(out, kRstStream), NGHTTP2_FLOW_CONTROL_ERROR) << server.recv_result;
}

TEST(SessionBounds, ConsumingTheBodyReopensTheWindow) {
  SessionBounds bounds;
  bounds.initial_window_size = 1024;
  Server server(bounds);
  const std::string post_block("\x83\x86\x84\x41\x01\x61", 6);
  const std::string before =
      server.feed(client_start() + kSettingsAck + frame(kHeaders, kEndHeaders, 1, post_block) +
                  frame(kData, 0, 1, std::string(1024, 'b')));
  EXPECT_EQ(before.find(std::string("\0\0\x04\x08", 4)), std::string::npos);  // no WINDOW_UPDATE
  // The pipeline read the piece: the window reopens, and only then.
  ASSERT_EQ(nghttp2_session_consume(server.session.get(), 1, 1024), 0);
  const std::string after = server.feed("");
  EXPECT_NE(after.find(std::string("\0\0\x04\x08", 4)), std::string::npos);
  const std::string more = server.feed(frame(kData, kEndStream, 1, std::string(1024, 'b')));
  EXPECT_EQ(error_in(more, kRstStream), -1);
  EXPECT_EQ(goaway_error(more), -1);
}

// RFC 9113 §8.1.1: DATA that disagrees with content-length is malformed. The
// session's HTTP messaging checks catch it before the pipeline sees a byte.
TEST(SessionBounds, DataDisagreeingWithContentLengthIsAStreamError) {
  // POST with "content-length: 5" (static-table name 28, literal not indexed).
  const std::string block = std::string("\x83\x86\x84\x41\x01\x61", 6) +
                            "\x0f\x0d\x01"
                            "5";
  for (const std::string body : {"too long body", "abc"}) {
    Server server(SessionBounds{});
    const std::string out =
        server.feed(client_start() + kSettingsAck + frame(kHeaders, kEndHeaders, 1, block) +
                    frame(kData, kEndStream, 1, body));
    EXPECT_EQ(error_in(out, kRstStream), NGHTTP2_PROTOCOL_ERROR) << body;
  }
}

// An uppercase field name is refused by the session itself (and again by
// RequestHeadBuilder).
TEST(SessionBounds, UppercaseFieldNameIsAStreamError) {
  Server server(SessionBounds{});
  // Literal without indexing, new name "X-A", value "1".
  const std::string block = kGetBlock + std::string(
                                            "\x00\x03X-A\x01"
                                            "1",
                                            7);
  const std::string out = server.feed(client_start() + kSettingsAck +
                                      frame(kHeaders, kEndHeaders | kEndStream, 1, block));
  EXPECT_EQ(error_in(out, kRstStream), NGHTTP2_PROTOCOL_ERROR);
}

TEST(FrameBudget, BurstThenRate) {
  FrameBudget budget(3, 1000);
  EXPECT_TRUE(budget.allow(0));
  EXPECT_TRUE(budget.allow(0));
  EXPECT_TRUE(budget.allow(0));
  EXPECT_FALSE(budget.allow(0));
  EXPECT_TRUE(budget.allow(1));  // one token per millisecond at 1000/s
  EXPECT_FALSE(budget.allow(1));
  EXPECT_TRUE(budget.allow(1000));
  EXPECT_TRUE(budget.allow(1000));
  EXPECT_TRUE(budget.allow(1000));
  EXPECT_FALSE(budget.allow(1000));  // never more than the burst
}

}  // namespace
}  // namespace centinela::h2
