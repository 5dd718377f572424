// Streaming encoders for gzip (zlib), brotli and zstd. One Encoder compresses
// one body, piece by piece, so a body too large to buffer is compressed as it
// is relayed.
#pragma once

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
};

// Levels as the libraries number them; 0 means the default for the coding
// (gzip 6, brotli 4, zstd 3: fast enough for the request path).
std::unique_ptr<Encoder> make_encoder(Coding coding, int level = 0);

// A whole body at once; empty optional-like result: returns false on error.
bool compress_all(Coding coding, std::string_view input, std::string& out, int level = 0);

}  // namespace centinela::compress
