// Lower-case hex of binary digests, as Redis prints script SHA-1s and as
// hashed key parts are written.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace centinela::util {

// Appends the first `hex_chars` hex digits of `bytes` (two per byte; at most
// 2 * bytes.size()), high nibble first.
void append_hex(std::string& out, std::span<const unsigned char> bytes, std::size_t hex_chars);

// Appends every byte of `bytes` as two hex digits.
inline void append_hex(std::string& out, std::span<const unsigned char> bytes) {
  append_hex(out, bytes, 2 * bytes.size());
}

}  // namespace centinela::util
