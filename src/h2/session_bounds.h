// The bounds of one client's HTTP/2 connection, and the nghttp2 server session
// that enforces them. Debian 12's nghttp2 (1.52.0 + security backports) bounds
// by itself: RST_STREAM rate (CVE-2023-44487, Rapid Reset:
// nghttp2_option_set_stream_reset_rate_limit), CONTINUATION frames per header
// block (CVE-2024-28182: nghttp2_option_set_max_continuations), SETTINGS entries
// (nghttp2_option_set_max_settings) and queued SETTINGS/PING acks
// (nghttp2_option_set_max_outbound_ack, which covers SETTINGS and PING floods).
// It does not bound the header list a client sends (SETTINGS_MAX_HEADER_LIST_SIZE
// is advisory to nghttp2), nor empty DATA frames, nor PRIORITY or WINDOW_UPDATE
// frames (the "glitch" limiter came in 1.61): FloodGuard (flood_guard.h) does.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace centinela::h2 {

struct SessionBounds {
  std::uint32_t max_concurrent_streams = 128;
  std::uint32_t max_header_list_size = 64 * 1024;  // decoded, name+value+32 per field
  std::uint32_t header_table_size = 4096;          // HPACK dynamic table we keep
  std::uint32_t initial_window_size = 64 * 1024;   // per stream, request bodies
  std::size_t max_continuations = 8;
  // Rapid Reset: streams the client may cancel in a burst, then per second.
  std::uint64_t reset_burst = 200;
  std::uint64_t reset_rate = 33;
  std::size_t max_settings_entries = 32;
  std::size_t max_outbound_acks = 1000;
};

struct SessionDeleter {
  void operator()(nghttp2_session* s) const { nghttp2_session_del(s); }
};
using SessionPtr = std::unique_ptr<nghttp2_session, SessionDeleter>;

// A server session with `bounds` applied (options before creation, our local
// SETTINGS queued for sending). Request bodies are acknowledged by the caller
// (nghttp2_session_consume as the pipeline reads them), never automatically, so
// a client cannot push more than a window past a slow upstream.
SessionPtr make_server_session(const nghttp2_session_callbacks& callbacks, void* user_data,
                               const SessionBounds& bounds);

// A token bucket (FloodGuard's, for frames nghttp2 does not bound itself):
// `allow` is called per frame; false means the client floods.
class FrameBudget {
 public:
  FrameBudget(std::uint64_t burst, std::uint64_t per_second)
      : burst_(burst), per_second_(per_second), tokens_(burst) {}
  // `now_ms`: a steady clock in milliseconds (passed in: testable, one clock read
  // per frame batch rather than per frame).
  bool allow(std::uint64_t now_ms);
  // Tokens given back (capped at the burst).
  void credit(std::uint64_t tokens) {
    tokens_ = tokens_ + tokens > burst_ ? burst_ : tokens_ + tokens;
  }

 private:
  std::uint64_t burst_;
  std::uint64_t per_second_;
  std::uint64_t tokens_;
  std::uint64_t last_ms_ = 0;
  bool started_ = false;
};

}  // namespace centinela::h2
