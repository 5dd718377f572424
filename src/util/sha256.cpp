#include "util/sha256.h"

#include <openssl/evp.h>

#include <algorithm>

#include "util/hex.h"

namespace centinela::util {

const evp_md_st* fetched_sha256() {
  // Kept for the life of the process; falls back to the implicit fetch if the
  // provider cannot be reached (then every call pays the look-up).
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return md;
}

std::array<unsigned char, kSha256Bytes> sha256(std::string_view bytes) {
  std::array<unsigned char, kSha256Bytes> digest{};
  unsigned int size = 0;
  // Cannot fail with a working libcrypto; the digest then stays zeros, still
  // well-formed for every caller.
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, fetched_sha256(), nullptr) !=
          1 ||
      size != kSha256Bytes) {
    digest.fill(0);
  }
  return digest;
}

void append_hex_sha256(std::string& out, std::string_view bytes, std::size_t hex_chars) {
  const auto digest = sha256(bytes);
  append_hex(out, digest, std::min<std::size_t>(hex_chars, 2 * kSha256Bytes));
}

}  // namespace centinela::util
