// Builds JWTs for the tests: HS256 with OpenSSL's HMAC, RS256 with a key pair
// generated per test run through EVP.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "security/base64url.h"

namespace centinela::security::testing {

inline std::string sign_hs256(std::string_view signing_input, std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &size);
  return encode_base64url(std::span<const unsigned char>(mac, size));
}

// header and payload are JSON texts.
inline std::string hs256_token(std::string_view payload, std::string_view secret,
                               std::string_view header = R"({"alg":"HS256","typ":"JWT"})") {
  std::string input = encode_base64url(header) + "." + encode_base64url(payload);
  return input + "." + sign_hs256(input, secret);
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

inline Pkey generate_rsa(unsigned bits = 2048) {
  Pkey key(EVP_RSA_gen(bits));
  if (!key) throw std::runtime_error("RSA key generation failed");
  return key;
}

inline Pkey generate_ec() {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EC key generation failed");
  return key;
}

inline std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

inline std::string sign_rs256(std::string_view signing_input, EVP_PKEY* key) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t size = 0;
  std::string signature;
  if (EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(context, nullptr, &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) == 1) {
    signature.resize(size);
    EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &size,
                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                   signing_input.size());
    signature.resize(size);
  }
  EVP_MD_CTX_free(context);
  if (signature.empty()) throw std::runtime_error("RS256 signing failed");
  return encode_base64url(signature);
}

inline std::string rs256_token(std::string_view payload, EVP_PKEY* key,
                               std::string_view header = R"({"alg":"RS256","typ":"JWT"})") {
  std::string input = encode_base64url(header) + "." + encode_base64url(payload);
  return input + "." + sign_rs256(input, key);
}

}  // namespace centinela::security::testing
