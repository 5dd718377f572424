// One gather write of whatever is due next on an outgoing message: its head
// (the first time), a piece of body in the message's framing, and the final
// chunk when the body ends.
#pragma once

#include <string_view>
#include <utility>

#include "net/asio_fwd.h"
#include "net/head_writer.h"

namespace centinela::net {

struct BodyPiece {
  std::string_view head;  // empty once the head is out
  const char* data = nullptr;
  std::size_t size = 0;
  bool last = false;  // the body ends with this piece
};

asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_body_piece(
    tcp::socket& socket, BodyFraming framing, const BodyPiece& piece);

}  // namespace centinela::net
