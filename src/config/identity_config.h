// The `identity` section: JWT and API keys.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "config/common_types.h"

namespace centinela::config {

// Who the client is: a verified JWT's `sub`, or the user an API key maps to.
struct JwtConfig {
  std::string hs256_secret;                    // empty: HS256 tokens are rejected
  std::string rs256_public_key_file;           // as written; empty: RS256 tokens are rejected
  std::string rs256_public_key_pem;            // the file's contents, read when the config loads
  std::string issuer;                          // non-empty: `iss` must equal it
  std::string audience;                        // non-empty: `aud` must contain it
  Duration leeway = std::chrono::seconds(30);  // clock skew allowed on exp / nbf
  std::string header = "authorization";        // lower-case; "Bearer <token>"
  std::string cookie;     // non-empty: the token comes from this cookie instead
  bool required = false;  // true: no verified identity → 401
};

struct ApiKeysConfig {
  std::string header = "x-api-key";         // lower-case
  std::map<std::string, std::string> keys;  // key → user
};

struct IdentityConfig {
  std::optional<JwtConfig> jwt;
  std::optional<ApiKeysConfig> api_keys;
};

}  // namespace centinela::config
