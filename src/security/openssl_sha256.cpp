#include "security/openssl_sha256.h"

#include <algorithm>
#include <array>

namespace centinela::security {

const EVP_MD* fetched_sha256() {
  // Kept for the life of the process; falls back to the implicit fetch if the
  // provider cannot be reached (then every call pays the look-up).
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

void append_hex_sha256(std::string& out, std::string_view bytes, std::size_t hex_chars) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, fetched_sha256(), nullptr) !=
      1) {
    size = 0;  // cannot happen with a working libcrypto; keeps the output well-formed
  }
  static constexpr char kHex[] = "0123456789abcdef";
  hex_chars = std::min<std::size_t>(hex_chars, 64);
  for (std::size_t i = 0; i < hex_chars; ++i) {
    const unsigned char b = i / 2 < size ? digest[i / 2] : 0;
    out += kHex[i % 2 == 0 ? b >> 4 : b & 0xf];
  }
}

}  // namespace centinela::security
