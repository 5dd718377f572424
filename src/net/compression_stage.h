// Compression of an upstream response on net's own relay, until net runs the
// pipeline (issue 12): then compress/compression_stage.h does this and this
// file goes. The decision itself is compress/coding_choice.h, shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "compress/coding.h"
#include "compress/coding_choice.h"
#include "compress/encoder.h"
#include "config/config.h"
#include "proxy/request_context.h"

namespace centinela::net {

using compress::choose_coding;
using compress::policy_level;
using compress::weaken_etag;

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
