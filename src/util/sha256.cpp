#include "util/sha256.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but
// EVP_Digest allocates and frees a context and a provider state on every call
// (six allocations, ~3,000 instructions for a cache key); the low-level calls
// run the same assembly on the stack. Kept through OpenSSL 3.x.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

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
  static_assert(kSha256Bytes == SHA256_DIGEST_LENGTH);
  std::array<unsigned char, kSha256Bytes> digest{};
  SHA256_CTX context;
  // Cannot fail with a working libcrypto; the digest then stays zeros, still
  // well-formed for every caller.
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, bytes.data(), bytes.size()) != 1 ||
      SHA256_Final(digest.data(), &context) != 1) {
    digest.fill(0);
  }
  return digest;
}

void append_hex_sha256(std::string& out, std::string_view bytes, std::size_t hex_chars) {
  const auto digest = sha256(bytes);
  append_hex(out, digest, std::min<std::size_t>(hex_chars, 2 * kSha256Bytes));
}

}  // namespace centinela::util
