#include "limit/key_hash.h"

namespace centinela::limit {

std::uint64_t key_fingerprint(std::string_view full_key) {
  static const util::SipKey key = util::SipKey::random();
  const std::uint64_t hash = util::siphash13(key.k0, key.k1, full_key);
  return hash == 0 ? 1 : hash;
}

}  // namespace centinela::limit
