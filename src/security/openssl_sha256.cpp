#include "security/openssl_sha256.h"

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

}  // namespace centinela::security
