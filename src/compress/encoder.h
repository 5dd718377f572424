// Streaming encoders for gzip (zlib), brotli and zstd. One Encoder compresses
// one body, piece by piece, so a body too large to buffer is compressed as it
// is relayed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "compress/coding.h"

namespace centinela::compress {

class Encoder {
 public:
  virtual ~Encoder() = default;
  // Compresses `input`, appending whatever output is ready to `out`.
  // Returns false on an internal codec error (the body cannot be finished).
  virtual bool write(std::string_view input, std::string& out) = 0;
  // Flushes what was written so far so the peer can decode it (for streaming
  // long-lived bodies); appends to `out`.
  virtual bool flush(std::string& out) = 0;
  // Ends the stream; appends the remaining output and trailer to `out`.
  virtual bool finish(std::string& out) = 0;
  // write(input) then finish(), in one step: when it is the first call the
  // codec sees the whole body at once and works as a one-shot compressor
  // (brotli clears only the hash buckets it uses, zstd records the size).
  virtual bool write_last(std::string_view input, std::string& out) {
    return write(input, out) && finish(out);
  }
};

// Levels as the libraries number them (gzip 1-9, brotli 1-11, zstd 1-19).
// kDefaultLevel (0), or any level outside the coding's range, means the
// default for the coding (gzip 6, brotli 4, zstd 3: fast enough for the
// request path). Brotli's quality 0 is therefore not reachable, on purpose.
inline constexpr int kDefaultLevel = 0;

// The body's size when it is known (Content-Length), else 0. A known small
// size picks small windows and tables, so a 2 KiB body does not cost the
// memory of a 2 MiB one; it is only a hint (a body of another size still
// compresses correctly). Identity gives an encoder that copies its input.
// Returns null only when the library cannot allocate its state.
std::unique_ptr<Encoder> make_encoder(Coding coding, int level = kDefaultLevel,
                                      std::uint64_t size_hint = 0);

// A whole body at once, appended to `out`; false on a codec error (then `out`
// holds a partial stream and must not be sent).
bool compress_all(Coding coding, std::string_view input, std::string& out,
                  int level = kDefaultLevel);

}  // namespace centinela::compress
