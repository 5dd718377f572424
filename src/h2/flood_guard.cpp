#include "h2/flood_guard.h"

namespace centinela::h2 {

bool FloodGuard::on_frame(const nghttp2_frame& frame, std::uint64_t now_ms) {
  switch (frame.hd.type) {
    case NGHTTP2_DATA:
      if (frame.hd.length != 0 || (frame.hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) return true;
      return free_frames_.allow(now_ms);
    case NGHTTP2_PRIORITY:
    case NGHTTP2_WINDOW_UPDATE:
    case NGHTTP2_SETTINGS:
    case NGHTTP2_PING:
      return free_frames_.allow(now_ms);
    case NGHTTP2_RST_STREAM:
      return resets_.allow(now_ms);
    default:
      return true;
  }
}

int FloodGuard::refuse(nghttp2_session* session) {
  // Queues GOAWAY with the last stream we processed; want_read becomes false.
  return nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM);
}

}  // namespace centinela::h2
