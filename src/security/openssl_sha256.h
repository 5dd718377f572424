// SHA-256 fetched from OpenSSL's provider once per process. Passing this to
// EVP calls (instead of EVP_sha256()) spares each call the provider look-up,
// which takes a lock shared by every thread in OpenSSL 3.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::security {

const EVP_MD* fetched_sha256();

// Appends the first `hex_chars` (at most 64) lower-case hex digits of
// SHA-256(`bytes`): how a secret (an API key) is named where it must be
// told apart but not shown (cache keys, rate-limit keys).
void append_hex_sha256(std::string& out, std::string_view bytes, std::size_t hex_chars = 64);

}  // namespace centinela::security
