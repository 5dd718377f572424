// Verifies a compact JWS (RFC 7515/7519) signed with HS256 or RS256 and
// returns its subject. Strict by design: only the algorithms the config has a
// key for, no `alg: none`, no key chosen by the token (`kid`, `jku`, `jwk`
// are ignored), `exp` required, every number range-checked.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"

struct evp_pkey_st;     // OpenSSL's EVP_PKEY and EVP_MAC_CTX,
struct evp_mac_ctx_st;  // kept out of this header

namespace centinela::security {

enum class JwtError {
  none,
  too_large,              // over kMaxTokenBytes: refused before decoding
  malformed,              // not three canonical base64url parts of JSON objects
  unsupported_algorithm,  // alg missing, none, or one with no configured key
  bad_signature,
  bad_time,  // exp missing, or exp / nbf not a sane NumericDate
  expired,
  not_yet_valid,
  wrong_issuer,
  wrong_audience,
  bad_subject,  // sub missing, empty, over 256 bytes or with control characters
};

// A short, fixed description, safe to show a client or log (never token bytes).
std::string_view describe(JwtError error);

class JwtVerifier {
 public:
  static constexpr std::size_t kMaxTokenBytes = 8 * 1024;
  static constexpr std::size_t kMaxSubjectBytes = 256;

  // The RS256 key is loaded from config.rs256_public_key_pem (the config
  // loader has checked it); if OpenSSL cannot load it, RS256 tokens are
  // refused rather than trusted.
  explicit JwtVerifier(const config::JwtConfig& config);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  bool accepts_hs256() const { return hmac_template_ != nullptr; }
  bool accepts_rs256() const { return rs256_key_ != nullptr; }

  // On success sets `subject` to the `sub` claim; otherwise leaves it alone.
  // `now` is Unix time in seconds. Safe to call from many threads at once.
  JwtError verify(std::string_view token, std::int64_t now, std::string& subject) const;

 private:
  struct KeyDeleter {
    void operator()(evp_pkey_st* key) const;
    void operator()(evp_mac_ctx_st* mac) const;
  };

  // HMAC-SHA256 keyed with the secret once; each verification works on a copy.
  std::unique_ptr<evp_mac_ctx_st, KeyDeleter> hmac_template_;
  std::unique_ptr<evp_pkey_st, KeyDeleter> rs256_key_;
  std::string issuer_;
  std::string audience_;
  std::int64_t leeway_seconds_;
};

}  // namespace centinela::security
