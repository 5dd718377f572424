#include "net/body_writer.h"

#include <array>
#include <boost/asio/write.hpp>
#include <span>

namespace centinela::net {

asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_body_piece(
    tcp::socket& socket, BodyFraming framing, const BodyPiece& piece) {
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  std::array<asio::const_buffer, 5> buffers;
  std::size_t count = 0;
  char size_line[20];
  const bool chunked = framing == BodyFraming::chunked;
  if (!piece.head.empty()) buffers[count++] = asio::buffer(piece.head);
  if (piece.size != 0) {
    if (chunked)
      buffers[count++] = asio::buffer(size_line, format_chunk_size(piece.size, size_line));
    buffers[count++] = asio::buffer(piece.data, piece.size);
    if (chunked) buffers[count++] = asio::buffer(kCrlf);
  }
  if (piece.last && chunked) buffers[count++] = asio::buffer(kLastChunk);
  if (count == 0) co_return std::pair{boost::system::error_code{}, std::size_t{0}};
  auto [ec, n] = co_await asio::async_write(
      socket, std::span<const asio::const_buffer>(buffers.data(), count), use_nothrow);
  co_return std::pair{ec, n};
}

}  // namespace centinela::net
