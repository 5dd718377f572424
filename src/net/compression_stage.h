// Compression of a response on its way to the client: decided once from the
// route's `compression` policy, the request's Accept-Encoding and the response
// head, then applied piece by piece so a body of any size streams.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "compress/coding.h"
#include "compress/encoder.h"
#include "config/config.h"
#include "proxy/request_context.h"

namespace centinela::net {

// The coding this client should get for a response of `content_type`,
// `content_encoding`, `cache_control` and `length` (nullopt: unknown) under
// `policy`: identity when any rule says no. `varies` is set when the answer
// depends on Accept-Encoding (the response then needs Vary: Accept-Encoding).
compress::Coding choose_coding(const config::CompressionConfig& policy,
                               std::string_view accept_encoding, unsigned status,
                               std::string_view content_type, std::string_view content_encoding,
                               std::string_view cache_control, std::optional<std::uint64_t> length,
                               bool& varies);

// The route's level for a coding (compression.levels).
int policy_level(const config::CompressionConfig& policy, compress::Coding coding);

// "W/" + a strong ETag; a weak one unchanged.
std::string weaken_etag(std::string_view etag);

class CompressionStage {
 public:
  // Decides for this response and, when compressing, rewrites the head:
  // Content-Encoding set, Content-Length removed, ETag weakened, Vary added.
  // Returns whether the body is to be compressed.
  bool begin(const config::CompressionConfig& policy, std::string_view accept_encoding,
             proxy::ResponseHead& response, std::optional<std::uint64_t> length);

  bool active() const { return encoder_ != nullptr; }

  // Compresses one piece (and finishes the stream on `last`) into `out`
  // (cleared first). False on a codec error.
  bool transform(std::string_view piece, bool last, std::string& out);

 private:
  std::unique_ptr<compress::Encoder> encoder_;
};

}  // namespace centinela::net
