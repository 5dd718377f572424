// Per-connection budgets for the frames a client can send for free, called from
// nghttp2's on_frame_recv callback. Debian's nghttp2 1.52 has no "glitch"
// limiter (1.61+): empty non-final DATA, PRIORITY, WINDOW_UPDATE, SETTINGS and
// PING frames cost us parsing and state and carry nothing a request needs, and
// RST_STREAM from the client (Rapid Reset) cancels work we started. Past a
// budget the client gets GOAWAY(ENHANCE_YOUR_CALM) and the connection ends;
// nghttp2's own RST rate limit stays as a backstop with a higher bound.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>

#include "h2/session_bounds.h"

namespace centinela::h2 {

struct FloodBounds {
  std::uint64_t free_frame_burst = 1000;  // empty DATA, PRIORITY, WINDOW_UPDATE,
  std::uint64_t free_frame_rate = 100;    // SETTINGS, PING: burst, then per second
  std::uint64_t reset_burst = 100;        // client RST_STREAM: burst, then per second
  std::uint64_t reset_rate = 20;
};

class FloodGuard {
 public:
  explicit FloodGuard(const FloodBounds& bounds)
      : free_frames_(bounds.free_frame_burst, bounds.free_frame_rate),
        resets_(bounds.reset_burst, bounds.reset_rate) {}

  // False: the client floods. `now_ms` is a steady clock in milliseconds.
  bool on_frame(const nghttp2_frame& frame, std::uint64_t now_ms);

  // A DATA frame went to the client: the WINDOW_UPDATE that will answer it
  // is flow control doing its job, not a free frame. One frame's worth of
  // budget comes back (never beyond the burst), so a client with a small
  // window can download for ever while a flood of updates with nothing to
  // let through still runs out.
  void on_data_sent() { free_frames_.credit(1); }

  // on_frame's false made into the answer: GOAWAY(ENHANCE_YOUR_CALM) queued.
  // nghttp2 goes on reading while streams are open: the caller stops
  // reading. Returns the callback's result.
  static int refuse(nghttp2_session* session);

 private:
  FrameBudget free_frames_;
  FrameBudget resets_;
};

}  // namespace centinela::h2
