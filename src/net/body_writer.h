// One gather write of whatever is due next on an outgoing message: its head
// (the first time), a piece of body in the message's framing, and the final
// chunk with its trailer section when the body ends.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>

#include "http/head_writer.h"
#include "net/asio_fwd.h"
#include "net/stream.h"
#include "net/stream_io.h"

namespace centinela::net {

using centinela::http::BodyFraming;

struct BodyPiece {
  std::string_view head;  // empty once the head is out
  const char* data = nullptr;
  std::size_t size = 0;
  bool last = false;  // the body ends with this piece
  // With `last`: trailer fields ("name: value\r\n" lines) after the last
  // chunk. Only chunked framing carries them; any other drops them.
  std::string_view trailers;
};

// The buffers of one such write, laid out once; the caller keeps this object
// until the write completes (it is neither copied nor moved).
class PieceWrite {
 public:
  PieceWrite(BodyFraming framing, const BodyPiece& piece);
  PieceWrite(const PieceWrite&) = delete;
  PieceWrite& operator=(const PieceWrite&) = delete;

  bool empty() const { return first_ == count_; }
  // Writes what goes at once (write_now in stream_io.h; over TLS, record
  // after record while the socket takes them) and drops it from this write:
  // true when nothing is left, or when the stream failed for good (`ec`).
  // Then start() writes what is left. `written` counts.
  bool write_now(Stream stream, boost::system::error_code& ec, std::size_t& written);
  // The write; it starts when awaited. (No coroutine of its own.)
  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> start(
      tcp::socket& socket) const;
  // The same to a client's stream (cleartext or TLS).
  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> start(Stream& stream) const;
  // The same through `tls` over the socket when it is not null.
  asio::awaitable<IoResult> start(tcp::socket& socket, TlsStream* tls) const;

 private:
  std::span<const asio::const_buffer> rest() const {
    return {buffers_.data() + first_, count_ - first_};
  }

  std::array<asio::const_buffer, 7> buffers_;
  std::size_t count_ = 0;
  std::size_t first_ = 0;  // buffers before it were written by write_now()
  char size_line_[20];
};

asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_body_piece(
    tcp::socket& socket, BodyFraming framing, const BodyPiece& piece);

}  // namespace centinela::net
