// SHA-256, for naming what must be told apart but not shown (an API key in a
// cache or rate-limit key) and for the stored form of cache keys. OpenSSL's
// implementation, without an allocation per digest.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_st;  // OpenSSL's EVP_MD, kept out of this header

namespace centinela::util {

inline constexpr std::size_t kSha256Bytes = 32;

// SHA-256 for EVP calls (signature checks). Passing this instead of
// EVP_sha256() spares each call the provider look-up, which takes a lock
// shared by every thread in OpenSSL 3.
const evp_md_st* fetched_sha256();

// The digest of `bytes`.
std::array<unsigned char, kSha256Bytes> sha256(std::string_view bytes);

// Appends the first `hex_chars` (at most 64) lower-case hex digits of
// SHA-256(`bytes`).
void append_hex_sha256(std::string& out, std::string_view bytes, std::size_t hex_chars = 64);

}  // namespace centinela::util
