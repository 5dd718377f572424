// base64Decode as libmodsecurity3 3.0.9 runs it: the value up to its first NUL
// through the mbedtls decoder bundled with it. Spaces are allowed at the end
// of a line, CRLF/LF between lines; anything else outside the alphabet, a
// space inside a line, a third '=' or data after '=' makes the whole result
// empty; a last incomplete group of four is dropped.
#include <array>
#include <cstdint>
#include <cstring>

#include "decode/transforms.h"

namespace centinela::decode::tfn {
namespace {

// 0..63 for the alphabet, 64 for '=', 127 for everything else: one look-up
// a byte (every value of a request through t:base64Decode comes here).
constexpr auto kBase64Values = [] {
  std::array<std::uint8_t, 256> values{};
  for (unsigned c = 0; c < 256; ++c) {
    values[c] = c >= 'A' && c <= 'Z'   ? static_cast<std::uint8_t>(c - 'A')
                : c >= 'a' && c <= 'z' ? static_cast<std::uint8_t>(c - 'a' + 26)
                : c >= '0' && c <= '9' ? static_cast<std::uint8_t>(c - '0' + 52)
                : c == '+'             ? 62
                : c == '/'             ? 63
                : c == '='             ? 64
                                       : 127;
  }
  return values;
}();

std::uint8_t base64_value(unsigned char c) { return kBase64Values[c]; }

// mbedtls_base64_decode's first pass: false when it refuses the input.
bool valid_base64(std::string_view s) {
  unsigned padding = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    // A run of the alphabet before any '=' (most of a value) passes every
    // test below: one look-up a byte.
    if (padding == 0) {
      while (i < s.size() && base64_value(static_cast<unsigned char>(s[i])) < 64) ++i;
      if (i == s.size()) break;
    }
    std::size_t spaces = 0;
    while (i < s.size() && s[i] == ' ') {
      ++i;
      ++spaces;
    }
    if (i == s.size()) break;  // spaces at the end are fine
    if (s.size() - i >= 2 && s[i] == '\r' && s[i + 1] == '\n') continue;
    if (s[i] == '\n') continue;
    if (spaces != 0) return false;
    const std::uint8_t value = base64_value(static_cast<unsigned char>(s[i]));
    if (value == 64 && ++padding > 2) return false;
    if (value == 127) return false;
    if (value < 64 && padding != 0) return false;
  }
  return true;
}

}  // namespace

bool base64_decode(std::string_view in, std::string& out) {
  if (in.empty()) return false;
  const std::string_view s = in.substr(0, ::strnlen(in.data(), in.size()));
  if (!valid_base64(s)) {
    out.clear();
    return true;
  }
  // Three bytes for every four of the input at most, written through a
  // pointer (push_back's capacity check per byte cost more than the decoding).
  out.resize(s.size() / 4 * 3);
  char* w = out.data();
  unsigned keep = 3;  // bytes of a group still real (less after '=')
  unsigned count = 0;
  std::uint32_t bits = 0;
  for (char ch : s) {
    if (ch == '\r' || ch == '\n' || ch == ' ') continue;
    const std::uint8_t value = base64_value(static_cast<unsigned char>(ch));
    if (value == 64) --keep;
    bits = (bits << 6) | (value & 0x3F);
    if (++count == 4) {
      count = 0;
      if (keep > 0) *w++ = static_cast<char>(bits >> 16);
      if (keep > 1) *w++ = static_cast<char>(bits >> 8);
      if (keep > 2) *w++ = static_cast<char>(bits);
    }
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return true;  // shorter than a non-empty input, always
}

}  // namespace centinela::decode::tfn
