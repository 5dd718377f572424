// Base64url without padding (RFC 4648 §5), as JWTs use it. Decoding is
// strict: one spelling per byte string, so a token cannot be altered
// without changing its signed bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace centinela::security {

// The largest number of bytes `encoded_size` characters decode to.
constexpr std::size_t base64url_decoded_capacity(std::size_t encoded_size) {
  return encoded_size / 4 * 3 + 2;
}

// Decodes `text` into `out`; the number of bytes written, or nothing when the
// text is not canonical unpadded base64url or does not fit in `out`.
std::optional<std::size_t> decode_base64url(std::string_view text, std::span<unsigned char> out);

std::string encode_base64url(std::span<const unsigned char> bytes);
inline std::string encode_base64url(std::string_view text) {
  return encode_base64url(
      std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

}  // namespace centinela::security
