// SHA-256 fetched from OpenSSL's provider once per process. Passing this to
// EVP calls (instead of EVP_sha256()) spares each call the provider look-up,
// which takes a lock shared by every thread in OpenSSL 3.
#pragma once

#include <openssl/evp.h>

namespace centinela::security {

const EVP_MD* fetched_sha256();

}  // namespace centinela::security
