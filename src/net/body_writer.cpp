#include "net/body_writer.h"

#include <boost/asio/write.hpp>
#include <span>

namespace centinela::net {

PieceWrite::PieceWrite(BodyFraming framing, const BodyPiece& piece) {
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  const bool chunked = framing == BodyFraming::chunked;
  if (!piece.head.empty()) buffers_[count_++] = asio::buffer(piece.head);
  if (piece.size != 0) {
    if (chunked) {
      buffers_[count_++] =
          asio::buffer(size_line_, centinela::http::format_chunk_size(piece.size, size_line_));
    }
    buffers_[count_++] = asio::buffer(piece.data, piece.size);
    if (chunked) buffers_[count_++] = asio::buffer(kCrlf);
  }
  if (piece.last && chunked) {
    if (piece.trailers.empty()) {
      buffers_[count_++] = asio::buffer(kLastChunk);
    } else {
      buffers_[count_++] = asio::buffer(kLastChunk.substr(0, 3));  // "0\r\n"
      buffers_[count_++] = asio::buffer(piece.trailers);
      buffers_[count_++] = asio::buffer(kCrlf);
    }
  }
}

bool PieceWrite::write_now(Stream stream, boost::system::error_code& ec, std::size_t& written) {
  for (;;) {
    const std::size_t sent = centinela::net::write_now(stream, rest(), ec);
    written += sent;
    std::size_t n = sent;
    while (first_ != count_ && n >= buffers_[first_].size()) n -= buffers_[first_++].size();
    if (first_ != count_) buffers_[first_] += n;
    if (ec || first_ == count_) return true;
    // TLS takes a record a call: the next may go too. A socket took what it
    // could: the rest waits for it to drain.
    if (sent == 0 || stream.tls() == nullptr) return false;
  }
}

asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> PieceWrite::start(
    tcp::socket& socket) const {
  return asio::async_write(socket, rest(), use_nothrow);
}

asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> PieceWrite::start(
    Stream& stream) const {
  return asio::async_write(stream, rest(), use_nothrow);
}

asio::awaitable<IoResult> PieceWrite::start(tcp::socket& socket, TlsStream* tls) const {
  return write_all(socket, tls, rest());
}

asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_body_piece(
    tcp::socket& socket, BodyFraming framing, const BodyPiece& piece) {
  PieceWrite write(framing, piece);
  if (write.empty()) co_return std::pair{boost::system::error_code{}, std::size_t{0}};
  auto [ec, n] = co_await write.start(socket);
  co_return std::pair{ec, n};
}

}  // namespace centinela::net
