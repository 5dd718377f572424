#include "net/response_pieces.h"

namespace centinela::net {

std::optional<BodyRead> ResponsePieces::buffered() {
  if (in_place_) return reader_.read_buffered_in_place(kMaxPiece);
  std::optional<BodyRead> got = reader_.read_buffered(space());
  if (got) *got = placed(*got);
  return got;
}

asio::awaitable<BodyRead> ResponsePieces::read() {
  return in_place_ ? reader_.read_in_place(kMaxPiece) : reader_.read(space());
}

BodyRead ResponsePieces::placed(BodyRead got) const {
  if (!in_place_ && chunk_) got.data = chunk_->data();
  return got;
}

std::span<char> ResponsePieces::space() { return chunks_.lend(chunk_); }

}  // namespace centinela::net
