#include "http/websocket_frames.h"

#include <algorithm>

namespace centinela::http {

void WebSocketFrameTracker::feed(std::string_view bytes) {
  while (!bytes.empty() && !failed_) bytes.remove_prefix(advance(bytes));
}

std::size_t WebSocketFrameTracker::until_boundary(std::string_view bytes) const {
  if (at_boundary()) return 0;
  if (failed_) return kNoBoundary;
  WebSocketFrameTracker ahead = *this;
  const std::size_t used = ahead.advance(bytes);
  return ahead.at_boundary() ? used : kNoBoundary;
}

std::size_t WebSocketFrameTracker::advance(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size() && !failed_) {
    if (payload_left_ > 0) {
      const std::uint64_t take = std::min<std::uint64_t>(payload_left_, bytes.size() - used);
      payload_left_ -= take;
      used += static_cast<std::size_t>(take);
      if (payload_left_ == 0) return used;
      continue;
    }
    header_[header_have_++] = static_cast<std::uint8_t>(bytes[used++]);
    if (header_have_ == 2) {
      // Second byte: MASK bit and the 7-bit length say how long the header is.
      const std::uint8_t length7 = header_[1] & 0x7f;
      const std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
      header_size_ = 2 + extended + ((header_[1] & 0x80) != 0 ? 4 : 0);
    }
    if (header_have_ >= 2 && header_have_ == header_size_) {
      header_complete();
      if (payload_left_ == 0) return used;  // an empty frame ends with its header
    }
  }
  return used;
}

void WebSocketFrameTracker::header_complete() {
  const std::uint8_t length7 = header_[1] & 0x7f;
  std::uint64_t length = length7;
  if (length7 == 126) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
  } else if (length7 == 127) {
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | header_[i];
    if ((length >> 63) != 0) failed_ = true;
  }
  header_have_ = 0;
  header_size_ = 2;
  payload_left_ = failed_ ? 0 : length;
}

std::size_t going_away_frame(bool masked, std::uint32_t mask, std::array<char, 8>& out) {
  constexpr std::uint8_t kCode[2] = {0x03, 0xe9};  // 1001, network order
  out[0] = static_cast<char>(0x88);                // FIN + close
  if (!masked) {
    out[1] = 0x02;
    out[2] = static_cast<char>(kCode[0]);
    out[3] = static_cast<char>(kCode[1]);
    return 4;
  }
  out[1] = static_cast<char>(0x82);
  const std::uint8_t key[4] = {
      static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
      static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
  for (std::size_t i = 0; i < 4; ++i) out[2 + i] = static_cast<char>(key[i]);
  out[6] = static_cast<char>(kCode[0] ^ key[0]);
  out[7] = static_cast<char>(kCode[1] ^ key[1]);
  return 8;
}

}  // namespace centinela::http
