#include "security/api_key_table.h"

#include <openssl/crypto.h>

#include "util/sha256.h"

namespace centinela::security {

bool ApiKeyTable::DigestEqual::operator()(const Digest& a, const Digest& b) const {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<ApiKeyTable::Digest> ApiKeyTable::digest_of(std::string_view key) {
  static_assert(std::tuple_size_v<Digest> == util::kSha256Bytes);
  Digest digest = util::sha256(key);
  // util::sha256 gives zeros if libcrypto failed: such keys must never match
  // each other, so a zero digest names no key (no real input hashes to it).
  if (digest == Digest{}) return std::nullopt;
  return digest;
}

ApiKeyTable::ApiKeyTable(const std::map<std::string, std::string>& key_to_user) {
  users_.reserve(key_to_user.size());
  for (const auto& [key, user] : key_to_user) {
    if (auto digest = digest_of(key)) users_.emplace(*digest, user);
  }
}

const std::string* ApiKeyTable::find(std::string_view key) const {
  if (key.empty() || key.size() > kMaxKeyBytes || users_.empty()) return nullptr;
  auto digest = digest_of(key);
  if (!digest) return nullptr;
  auto found = users_.find(*digest);
  return found == users_.end() ? nullptr : &found->second;
}

}  // namespace centinela::security
