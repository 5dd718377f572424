// The encoder of each library, behind Encoder; make_encoder chooses among
// them. `level` is already within the library's range.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compress/encoder.h"

namespace centinela::compress::detail {

std::unique_ptr<Encoder> make_gzip_encoder(int level, std::uint64_t size_hint);
std::unique_ptr<Encoder> make_brotli_encoder(int quality, std::uint64_t size_hint);
std::unique_ptr<Encoder> make_zstd_encoder(int level, std::uint64_t size_hint);

// The smallest log2 window that covers `size` bytes, within [min_log, max_log];
// max_log when the size is unknown (0).
int window_log_for(std::uint64_t size, int min_log, int max_log);

// Room for at least `want` more bytes at the end of `out`, using spare
// capacity first so a caller that reserved enough never reallocates.
// Returns the start of the room; `out.size()` grows by `room`; the caller
// shrinks it back by whatever the codec left unused.
char* grow_output(std::string& out, std::size_t want, std::size_t& room);

}  // namespace centinela::compress::detail
