// The configured API keys, looked up by their SHA-256 digest: finding a key
// takes the same time whatever prefix of it a client guesses, and the table
// never compares secret bytes directly.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace centinela::security {

class ApiKeyTable {
 public:
  // Keys a client may present are at most this long (as the config allows).
  static constexpr std::size_t kMaxKeyBytes = 1024;

  explicit ApiKeyTable(const std::map<std::string, std::string>& key_to_user);

  // The user `key` maps to, or null.
  const std::string* find(std::string_view key) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    std::size_t operator()(const Digest& digest) const {
      std::size_t hash;  // a digest's bytes are already uniformly spread
      std::memcpy(&hash, digest.data(), sizeof hash);
      return hash;
    }
  };
  struct DigestEqual {
    bool operator()(const Digest& a, const Digest& b) const;
  };

  // Nothing only when OpenSSL fails (out of memory).
  static std::optional<Digest> digest_of(std::string_view key);

  std::unordered_map<Digest, std::string, DigestHash, DigestEqual> users_;
};

}  // namespace centinela::security
