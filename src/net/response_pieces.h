// The pieces of an upstream response's body, as the relay hands them to the
// sink: a body with a length (or ended by the close) viewed where it was
// read, in the connection's buffer; a chunked one gathered into a chunk of
// the worker's ChunkPool first, so that an origin's tiny chunks leave as one
// piece a read, not as one client write (or DATA frame) each.
#pragma once

#include <optional>
#include <span>

#include "net/asio_fwd.h"
#include "net/body_reader.h"
#include "net/chunk_pool.h"

namespace centinela::net {

class ResponsePieces {
 public:
  // The most body bytes the sink is given at once, as a client's body chunks.
  static constexpr std::size_t kMaxPiece = ChunkPool::kChunkSize;

  // `chunk`: the try's chunk, taken from `chunks` when first needed.
  ResponsePieces(BodyReader& reader, bool chunked, ChunkPool& chunks,
                 std::optional<ChunkPool::Lease>& chunk)
      : reader_(reader), in_place_(!chunked), chunks_(chunks), chunk_(chunk) {}

  // The next piece when the buffer holds it (or the end, or an error);
  // nullopt when a read is needed.
  std::optional<BodyRead> buffered();
  // That read, then placed() on what it gives. (No coroutine of its own.)
  asio::awaitable<BodyRead> read();
  BodyRead placed(BodyRead got) const;

 private:
  std::span<char> space();

  BodyReader& reader_;
  bool in_place_;
  ChunkPool& chunks_;
  std::optional<ChunkPool::Lease>& chunk_;
};

}  // namespace centinela::net
