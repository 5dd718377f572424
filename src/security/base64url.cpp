#include "security/base64url.h"

#include <array>
#include <cstdint>

namespace centinela::security {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr std::array<std::int8_t, 256> kDecode = make_decode_table();

}  // namespace

std::optional<std::size_t> decode_base64url(std::string_view text, std::span<unsigned char> out) {
  // A lone trailing character carries only 6 bits: never a whole byte.
  if (text.size() % 4 == 1) return std::nullopt;
  const std::size_t size = text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1);
  if (size > out.size()) return std::nullopt;

  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t written = 0;
  for (char c : text) {
    const std::int8_t value = kDecode[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out[written++] = static_cast<unsigned char>(bits >> bit_count);
      bits &= (1u << bit_count) - 1;
    }
  }
  // Leftover bits must be zero, or two spellings would decode alike.
  if (bits != 0) return std::nullopt;
  return written;
}

std::string encode_base64url(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (unsigned char byte : bytes) {
    bits = (bits << 8) | byte;
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      out += kAlphabet[(bits >> bit_count) & 0x3f];
    }
  }
  if (bit_count > 0) out += kAlphabet[(bits << (6 - bit_count)) & 0x3f];
  return out;
}

}  // namespace centinela::security
