// WebSocket frame boundaries (RFC 6455 §5.2) in a stream the gateway relays
// without decoding: the frame headers are read as their bytes pass, payloads
// only counted, so a close frame can be put between two frames and never
// inside one. Bounded state (one header, at most 14 bytes), no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace centinela::http {

class WebSocketFrameTracker {
 public:
  static constexpr std::size_t kNoBoundary = static_cast<std::size_t>(-1);

  // Takes the bytes that passed.
  void feed(std::string_view bytes);
  // Between two frames (or before the first).
  bool at_boundary() const { return header_have_ == 0 && payload_left_ == 0 && !failed_; }
  // How many of `bytes` (what would pass next) end the frame in progress:
  // 0 at a boundary, kNoBoundary when the frame goes on past them.
  std::size_t until_boundary(std::string_view bytes) const;
  // A header no endpoint may send (a 64-bit length with its top bit set):
  // no boundary is known from here on.
  bool failed() const { return failed_; }

 private:
  // Takes bytes up to the end of the current frame; returns how many.
  std::size_t advance(std::string_view bytes);
  void header_complete();

  std::array<std::uint8_t, 14> header_{};
  std::size_t header_have_ = 0;
  std::size_t header_size_ = 2;  // known once the second byte is in
  std::uint64_t payload_left_ = 0;
  bool failed_ = false;
};

// A close frame with status 1001 (going away): a server's (unmasked, for the
// client) or a client's (masked with `mask`, for the upstream). Returns the
// frame's size; `out` holds it.
std::size_t going_away_frame(bool masked, std::uint32_t mask, std::array<char, 8>& out);

}  // namespace centinela::http
