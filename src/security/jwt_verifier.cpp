#include "security/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>

#include "security/base64url.h"
#include "util/sha256.h"

namespace centinela::security {
namespace {

namespace json = boost::json;

// 9999-12-31T23:59:59Z: any later NumericDate is an attack or a bug.
constexpr std::int64_t kMaxNumericDate = 253'402'300'799;
// RSA signatures are as long as the modulus; the config allows 16384 bits.
constexpr std::size_t kMaxSignatureBytes = 16384 / 8;
constexpr std::size_t kHs256Bytes = 32;
constexpr std::size_t kMaxDecodedPart = base64url_decoded_capacity(JwtVerifier::kMaxTokenBytes);
// Claims are small; deeper nesting is refused instead of parsed.
constexpr std::size_t kMaxJsonDepth = 16;

enum class Algorithm { hs256, rs256 };

std::string_view as_view(const json::string& text) { return {text.data(), text.size()}; }

// Parses one decoded part into `memory`; an object, or nothing.
const json::object* parse_object(std::span<const unsigned char> bytes, json::storage_ptr memory,
                                 json::value& holder) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code error;
  holder = json::parse(json::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                       error, std::move(memory), options);
  if (error) return nullptr;
  return holder.if_object();
}

// A NumericDate (RFC 7519 §2) as whole seconds within years 1970-9999;
// fractions, negatives, huge or non-numeric values are refused.
std::optional<std::int64_t> numeric_date(const json::value& value) {
  if (const std::int64_t* number = value.if_int64()) {
    if (*number < 0 || *number > kMaxNumericDate) return std::nullopt;
    return *number;
  }
  if (const std::uint64_t* number = value.if_uint64()) {
    if (*number > static_cast<std::uint64_t>(kMaxNumericDate)) return std::nullopt;
    return static_cast<std::int64_t>(*number);
  }
  if (const double* number = value.if_double()) {
    // Range first: the comparison is safe for any double, the cast is not.
    if (!std::isfinite(*number) || *number < 0 || *number > static_cast<double>(kMaxNumericDate) ||
        std::trunc(*number) != *number) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*number);
  }
  return std::nullopt;
}

bool is_valid_subject(std::string_view subject) {
  if (subject.empty() || subject.size() > JwtVerifier::kMaxSubjectBytes) return false;
  return std::none_of(subject.begin(), subject.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

bool audience_matches(const json::value& aud, std::string_view wanted) {
  if (const json::string* one = aud.if_string()) return as_view(*one) == wanted;
  if (const json::array* many = aud.if_array()) {
    return std::any_of(many->begin(), many->end(), [&](const json::value& item) {
      const json::string* text = item.if_string();
      return text && as_view(*text) == wanted;
    });
  }
  return false;
}

// The three dot-separated parts of a compact JWS, and what the signature covers.
struct TokenParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signed_part;  // header.payload
};

std::optional<TokenParts> split_token(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return std::nullopt;
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;
  if (token.find('.', second_dot + 1) != std::string_view::npos) return std::nullopt;
  TokenParts parts{token.substr(0, first_dot),
                   token.substr(first_dot + 1, second_dot - first_dot - 1),
                   token.substr(second_dot + 1), token.substr(0, second_dot)};
  if (parts.header.empty() || parts.payload.empty() || parts.signature.empty()) {
    return std::nullopt;
  }
  return parts;
}

// The header's algorithm, if it is one we hold a key for; nothing else in
// the header matters.
std::optional<Algorithm> header_algorithm(const json::object& header, bool accepts_hs256,
                                          bool accepts_rs256) {
  // RFC 7515 §4.1.11: extensions we do not understand must be refused.
  if (header.contains("crit")) return std::nullopt;
  const json::value* alg_value = header.if_contains("alg");
  const json::string* alg = alg_value ? alg_value->if_string() : nullptr;
  if (!alg) return std::nullopt;
  if (as_view(*alg) == "HS256" && accepts_hs256) return Algorithm::hs256;
  if (as_view(*alg) == "RS256" && accepts_rs256) return Algorithm::rs256;
  return std::nullopt;
}

bool hs256_matches(const EVP_MAC_CTX* key, std::string_view signed_part,
                   std::span<const unsigned char> signature) {
  if (signature.size() != kHs256Bytes) return false;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  std::size_t mac_size = 0;
  EVP_MAC_CTX* context = EVP_MAC_CTX_dup(key);
  const bool computed =
      context &&
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) == 1 &&
      EVP_MAC_final(context, mac.data(), &mac_size, mac.size()) == 1;
  EVP_MAC_CTX_free(context);
  if (!computed || mac_size != kHs256Bytes ||
      CRYPTO_memcmp(mac.data(), signature.data(), kHs256Bytes) != 0) {
    ERR_clear_error();
    return false;
  }
  return true;
}

bool rs256_matches(EVP_PKEY* key, std::string_view signed_part,
                   std::span<const unsigned char> signature) {
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) return false;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool verified =
      context &&
      EVP_DigestVerifyInit(context, nullptr, util::fetched_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(context, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  EVP_MD_CTX_free(context);
  if (!verified) {
    ERR_clear_error();
    return false;
  }
  return true;
}

// What the claims must say, from the config.
struct ClaimRules {
  std::string_view issuer;    // empty: any
  std::string_view audience;  // empty: any
  std::int64_t leeway_seconds;
};

// Checks the claims of a token whose signature holds; on success sets
// `subject` to `sub`.
JwtError check_claims(const json::object& claims, std::int64_t now, const ClaimRules& rules,
                      std::string& subject) {
  const json::value* exp_value = claims.if_contains("exp");
  if (!exp_value) return JwtError::bad_time;
  const std::optional<std::int64_t> exp = numeric_date(*exp_value);
  if (!exp) return JwtError::bad_time;
  // Both sides stay far below 2^63: exp <= year 9999, leeway a config duration.
  if (now >= *exp + rules.leeway_seconds) return JwtError::expired;
  if (const json::value* nbf_value = claims.if_contains("nbf")) {
    const std::optional<std::int64_t> nbf = numeric_date(*nbf_value);
    if (!nbf) return JwtError::bad_time;
    if (now + rules.leeway_seconds < *nbf) return JwtError::not_yet_valid;
  }
  if (!rules.issuer.empty()) {
    const json::value* iss = claims.if_contains("iss");
    const json::string* iss_text = iss ? iss->if_string() : nullptr;
    if (!iss_text || as_view(*iss_text) != rules.issuer) return JwtError::wrong_issuer;
  }
  if (!rules.audience.empty()) {
    const json::value* aud = claims.if_contains("aud");
    if (!aud || !audience_matches(*aud, rules.audience)) return JwtError::wrong_audience;
  }
  const json::value* sub = claims.if_contains("sub");
  const json::string* sub_text = sub ? sub->if_string() : nullptr;
  if (!sub_text || !is_valid_subject(as_view(*sub_text))) return JwtError::bad_subject;
  subject.assign(sub_text->data(), sub_text->size());
  return JwtError::none;
}

}  // namespace

std::string_view describe(JwtError error) {
  switch (error) {
    case JwtError::none:
      return "valid";
    case JwtError::too_large:
      return "token too large";
    case JwtError::malformed:
      return "malformed token";
    case JwtError::unsupported_algorithm:
      return "unsupported token algorithm";
    case JwtError::bad_signature:
      return "invalid token signature";
    case JwtError::bad_time:
      return "token has no valid exp or nbf";
    case JwtError::expired:
      return "token expired";
    case JwtError::not_yet_valid:
      return "token not yet valid";
    case JwtError::wrong_issuer:
      return "token issuer not accepted";
    case JwtError::wrong_audience:
      return "token audience not accepted";
    case JwtError::bad_subject:
      return "token has no valid sub";
  }
  return "invalid token";
}

void JwtVerifier::KeyDeleter::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }
void JwtVerifier::KeyDeleter::operator()(evp_mac_ctx_st* mac) const { EVP_MAC_CTX_free(mac); }

JwtVerifier::JwtVerifier(const config::JwtConfig& config)
    : issuer_(config.issuer),
      audience_(config.audience),
      leeway_seconds_(std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::seconds>(config.leeway).count())) {
  if (!config.hs256_secret.empty()) {
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* keyed = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
    EVP_MAC_free(hmac);  // the context keeps its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (keyed &&
        EVP_MAC_init(keyed, reinterpret_cast<const unsigned char*>(config.hs256_secret.data()),
                     config.hs256_secret.size(), params) == 1) {
      hmac_template_.reset(keyed);
    } else {
      EVP_MAC_CTX_free(keyed);
      ERR_clear_error();
    }
  }
  if (config.rs256_public_key_pem.empty()) return;
  BIO* pem = BIO_new_mem_buf(config.rs256_public_key_pem.data(),
                             static_cast<int>(config.rs256_public_key_pem.size()));
  if (!pem) return;
  EVP_PKEY* key = PEM_read_bio_PUBKEY(pem, nullptr, nullptr, nullptr);
  BIO_free(pem);
  if (key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    rs256_key_.reset(key);
  } else {
    EVP_PKEY_free(key);
    ERR_clear_error();
  }
}

JwtVerifier::~JwtVerifier() = default;

JwtError JwtVerifier::verify(std::string_view token, std::int64_t now, std::string& subject) const {
  if (token.size() > kMaxTokenBytes) return JwtError::too_large;
  const std::optional<TokenParts> parts = split_token(token);
  if (!parts) return JwtError::malformed;

  // Decoded parts and their JSON live on the stack; only unusually large
  // claims spill to the heap.
  std::array<unsigned char, kMaxDecodedPart> decoded;
  std::array<unsigned char, 8 * 1024> json_memory;
  json::monotonic_resource memory(json_memory.data(), json_memory.size());

  // The header: only the algorithm matters, and only ones we hold a key for.
  auto header_size = decode_base64url(parts->header, decoded);
  if (!header_size) return JwtError::malformed;
  json::value header_holder;
  const json::object* header =
      parse_object(std::span(decoded.data(), *header_size), &memory, header_holder);
  if (!header) return JwtError::malformed;
  const std::optional<Algorithm> algorithm =
      header_algorithm(*header, accepts_hs256(), accepts_rs256());
  if (!algorithm) return JwtError::unsupported_algorithm;

  // The signature, before anything in the payload is believed.
  std::array<unsigned char, kMaxSignatureBytes> signature;
  auto signature_size = decode_base64url(parts->signature, signature);
  if (!signature_size) return JwtError::malformed;
  const std::span<const unsigned char> signature_bytes(signature.data(), *signature_size);
  const bool signed_by_key =
      *algorithm == Algorithm::hs256
          ? hs256_matches(hmac_template_.get(), parts->signed_part, signature_bytes)
          : rs256_matches(rs256_key_.get(), parts->signed_part, signature_bytes);
  if (!signed_by_key) return JwtError::bad_signature;

  // The claims, now known to come from the key holder.
  auto payload_size = decode_base64url(parts->payload, decoded);
  if (!payload_size) return JwtError::malformed;
  json::value claims_holder;
  const json::object* claims =
      parse_object(std::span(decoded.data(), *payload_size), &memory, claims_holder);
  if (!claims) return JwtError::malformed;
  return check_claims(*claims, now, ClaimRules{issuer_, audience_, leeway_seconds_}, subject);
}

}  // namespace centinela::security
