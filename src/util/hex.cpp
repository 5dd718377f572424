#include "util/hex.h"

#include <algorithm>

namespace centinela::util {

void append_hex(std::string& out, std::span<const unsigned char> bytes, std::size_t hex_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  hex_chars = std::min(hex_chars, 2 * bytes.size());
  for (std::size_t i = 0; i < hex_chars; ++i) {
    const unsigned char b = bytes[i / 2];
    out += kHex[i % 2 == 0 ? b >> 4 : b & 0xf];
  }
}

}  // namespace centinela::util
