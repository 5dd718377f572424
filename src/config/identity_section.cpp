// The `identity` section: how the gateway learns who a client is (a verified
// JWT or an API key). Secrets and keys never appear in error messages.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/ascii.h"
#include "config/secret_file.h"
#include "config/sections.h"
#include "config/yaml_document.h"

namespace centinela::config {
namespace {

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
constexpr std::size_t kMinHs256SecretBytes = 32;
// Below this an RSA signature is forgeable with public resources.
constexpr std::size_t kMinRsaModulusBits = 2048;
constexpr std::size_t kMaxRsaModulusBits = 16384;
constexpr std::size_t kMaxUserBytes = 256;
constexpr std::size_t kMaxApiKeyBytes = 1024;

// RFC 9110 token: what a header or cookie name may be.
bool is_token(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool has_control_char(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// An API key travels in a header value: visible ASCII, no spaces, so what the
// client sends (after the usual whitespace trimming) is exactly the key.
bool is_visible_ascii(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7e) return false;
  }
  return true;
}

// --- Just enough of PEM and DER to validate an RSA public key without a
// crypto library; the identity stage loads it with OpenSSL.

std::optional<std::vector<std::uint8_t>> decode_pem_base64(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  bool padding = false;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+')
      value = 62;
    else if (c == '/')
      value = 63;
    else if (c == '=') {
      padding = true;
      continue;
    } else if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      continue;
    } else {
      return std::nullopt;
    }
    if (padding) return std::nullopt;  // data after '='
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<std::uint8_t>(bits >> bit_count));
      bits &= (1u << bit_count) - 1;
    }
  }
  return out;
}

// One DER element: its tag and content.
struct DerElement {
  std::uint8_t tag = 0;
  std::basic_string_view<std::uint8_t> content;
};

// Reads the element at the front of `input` and advances past it.
std::optional<DerElement> read_der(std::basic_string_view<std::uint8_t>& input) {
  if (input.size() < 2) return std::nullopt;
  DerElement element;
  element.tag = input[0];
  std::size_t length = input[1];
  std::size_t header = 2;
  if (length & 0x80) {
    const std::size_t length_bytes = length & 0x7f;
    if (length_bytes == 0 || length_bytes > 3 || input.size() < 2 + length_bytes) {
      return std::nullopt;
    }
    length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i) length = (length << 8) | input[2 + i];
    header += length_bytes;
  }
  if (input.size() - header < length) return std::nullopt;
  element.content = input.substr(header, length);
  input.remove_prefix(header + length);
  return element;
}

constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kBitString = 0x03;
constexpr std::uint8_t kObjectId = 0x06;
// 1.2.840.113549.1.1.1, rsaEncryption.
constexpr std::uint8_t kRsaEncryptionOid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

// Bits of a positive DER INTEGER, or 0 when it is not one.
std::size_t positive_integer_bits(std::basic_string_view<std::uint8_t> content) {
  if (content.empty() || (content[0] & 0x80)) return 0;
  while (!content.empty() && content[0] == 0) content.remove_prefix(1);
  if (content.empty()) return 0;
  std::size_t bits = (content.size() - 1) * 8;
  for (std::uint8_t top = content[0]; top; top >>= 1) ++bits;
  return bits;
}

// Checks a PEM SubjectPublicKeyInfo holding an RSA key; returns the problem,
// or an empty string.
std::string check_rsa_public_key_pem(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
  constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
  const std::size_t begin = pem.find(kBegin);
  if (begin == std::string_view::npos) {
    if (pem.find("-----BEGIN RSA PUBLIC KEY-----") != std::string_view::npos) {
      return "is a PKCS#1 key; convert it with `openssl rsa -RSAPublicKey_in -pubout`";
    }
    if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
      return "holds a private key; give the public key (`openssl pkey -pubout`)";
    }
    return "is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)";
  }
  const std::size_t body = begin + kBegin.size();
  const std::size_t end = pem.find(kEnd, body);
  if (end == std::string_view::npos) return "has no -----END PUBLIC KEY----- line";
  auto der_bytes = decode_pem_base64(pem.substr(body, end - body));
  if (!der_bytes) return "has invalid base64 inside the PEM armor";

  std::basic_string_view<std::uint8_t> input(der_bytes->data(), der_bytes->size());
  auto spki = read_der(input);
  if (!spki || spki->tag != kSequence || !input.empty()) return "is not a valid public key";
  auto spki_content = spki->content;
  auto algorithm = read_der(spki_content);
  auto key_bits = read_der(spki_content);
  if (!algorithm || algorithm->tag != kSequence || !key_bits || key_bits->tag != kBitString) {
    return "is not a valid public key";
  }
  auto algorithm_content = algorithm->content;
  auto oid = read_der(algorithm_content);
  const std::basic_string_view<std::uint8_t> rsa_oid(kRsaEncryptionOid, sizeof kRsaEncryptionOid);
  if (!oid || oid->tag != kObjectId || oid->content != rsa_oid) {
    return "is not an RSA public key (RS256 needs RSA)";
  }
  auto bit_string = key_bits->content;
  if (bit_string.empty() || bit_string[0] != 0) return "is not a valid RSA public key";
  bit_string.remove_prefix(1);
  auto rsa_key = read_der(bit_string);
  if (!rsa_key || rsa_key->tag != kSequence) return "is not a valid RSA public key";
  auto rsa_content = rsa_key->content;
  auto modulus = read_der(rsa_content);
  auto exponent = read_der(rsa_content);
  if (!modulus || modulus->tag != kInteger || !exponent || exponent->tag != kInteger) {
    return "is not a valid RSA public key";
  }
  const std::size_t modulus_bits = positive_integer_bits(modulus->content);
  if (modulus_bits == 0 || positive_integer_bits(exponent->content) == 0) {
    return "is not a valid RSA public key";
  }
  if (modulus_bits < kMinRsaModulusBits) {
    return "is a " + std::to_string(modulus_bits) + "-bit RSA key; at least 2048 bits are needed";
  }
  if (modulus_bits > kMaxRsaModulusBits) return "is an RSA key larger than 16384 bits";
  return {};
}

void read_header_name(MapFields& fields, std::string_view key, std::string& out) {
  const YAML::Node* node = fields.find(key);
  if (!node) return;
  auto name = read_string(fields.errors(), *node, fields.path_of(key));
  if (!name) return;
  if (!is_token(*name)) {
    fields.errors().add(*node, fields.path_of(key) + ": '" + *name + "' is not a valid name");
    return;
  }
  out = ascii_lower(*name);
}

void read_jwt(ErrorList& errors, const YAML::Node& node, const std::string& config_path,
              JwtConfig& out) {
  MapFields fields(errors, node, "identity.jwt",
                   {"hs256_secret", "hs256_secret_file", "rs256_public_key_file", "issuer",
                    "audience", "leeway", "header", "cookie", "required"});
  if (!fields.is_map()) return;

  std::string secret;
  if (const YAML::Node* from = read_secret(fields, "hs256_secret", secret)) {
    if (secret.size() < kMinHs256SecretBytes) {
      errors.add(*from, "identity.jwt.hs256_secret: must be at least 32 bytes (RFC 7518 " +
                            std::string("section 3.2), got ") + std::to_string(secret.size()));
    } else {
      out.hs256_secret = std::move(secret);
    }
  }
  if (const YAML::Node* file = fields.find("rs256_public_key_file")) {
    if (auto name = read_string(errors, *file, "identity.jwt.rs256_public_key_file")) {
      std::string problem;
      const std::filesystem::path path = resolve_beside(config_path, *name);
      if (auto pem = read_small_file(path, problem)) {
        problem = check_rsa_public_key_pem(*pem);
        if (problem.empty()) {
          out.rs256_public_key_file = *name;
          out.rs256_public_key_pem = std::move(*pem);
        } else {
          problem = "'" + path.string() + "' " + problem;
        }
      } else if (problem.ends_with("64KiB")) {
        problem += "; not a public key";
      }
      if (!problem.empty()) errors.add(*file, "identity.jwt.rs256_public_key_file: " + problem);
    }
  }
  if (!fields.find("hs256_secret") && !fields.find("hs256_secret_file") &&
      !fields.find("rs256_public_key_file")) {
    errors.add(node,
               "identity.jwt: needs hs256_secret or rs256_public_key_file (or both; "
               "hs256_secret_file in place of hs256_secret)");
  }

  for (std::string_view key : {"issuer", "audience"}) {
    std::string& target = key == "issuer" ? out.issuer : out.audience;
    if (fields.read(key, target) && target.empty()) {
      errors.add(*fields.find(key), fields.path_of(key) + ": must not be empty (leave it out)");
    }
  }
  fields.read_duration("leeway", out.leeway);
  read_header_name(fields, "header", out.header);
  read_header_name(fields, "cookie", out.cookie);
  if (fields.find("header") && fields.find("cookie")) {
    errors.add(*fields.find("cookie"), "identity.jwt: give either header or cookie, not both");
  }
  fields.read("required", out.required);
}

// `keys` maps each key to its user; `path` names it in messages
// ("identity.api_keys.keys"). Messages point at the key's position and never
// repeat it: it is a secret.
void read_key_map(ErrorList& errors, const YAML::Node& keys, const std::string& path,
                  ApiKeysConfig& out) {
  if (!keys.IsMap() || keys.size() == 0) {
    errors.add(keys, path + ": expected a map of key: user, got " +
                         (keys.IsScalar() ? std::string("a string") : describe(keys)));
    return;
  }
  for (const auto& entry : keys) {
    const YAML::Node& key = entry.first;
    const YAML::Node& user = entry.second;
    if (!key.IsScalar() || key.Scalar().empty()) {
      errors.add(key, path + ": expected a key, got " + describe(key));
      continue;
    }
    const std::string& key_text = key.Scalar();
    if (key_text.size() > kMaxApiKeyBytes || !is_visible_ascii(key_text)) {
      errors.add(key, path +
                          ": a key must be 1 to 1024 visible ASCII characters "
                          "(no spaces or control characters)");
      continue;
    }
    if (!user.IsScalar() || user.Scalar().empty() || user.Scalar().size() > kMaxUserBytes ||
        has_control_char(user.Scalar())) {
      errors.add(user, path +
                           ": the user must be a string of 1 to 256 bytes "
                           "without control characters");
      continue;
    }
    if (!out.keys.emplace(key_text, user.Scalar()).second) {
      errors.add(key, path + ": this key is listed twice");
    }
  }
}

// `keys_file`: the same `key: user` map as `keys`, in a YAML file of its
// own; its problems are reported at its own lines.
void read_key_file(ErrorList& errors, const YAML::Node& node, ApiKeysConfig& out) {
  const std::string key_path = "identity.api_keys.keys_file";
  auto text = read_secret_file(errors, node, key_path);
  if (!text) return;
  ErrorList file_errors(resolve_beside(errors.file(), node.Scalar()).string());
  const YAML::Node keys = parse_document(*text, file_errors);
  if (file_errors.empty()) read_key_map(file_errors, keys, "api keys", out);
  errors.append(std::move(file_errors));
}

void read_api_keys(ErrorList& errors, const YAML::Node& node, ApiKeysConfig& out) {
  MapFields fields(errors, node, "identity.api_keys", {"header", "keys", "keys_file"});
  if (!fields.is_map()) return;
  read_header_name(fields, "header", out.header);
  const YAML::Node* keys = fields.find("keys");
  const YAML::Node* keys_file = fields.find("keys_file");
  if (keys && keys_file) {
    errors.add(*keys_file, "identity.api_keys.keys_file: give either keys or keys_file, not both");
  } else if (keys) {
    read_key_map(errors, *keys, "identity.api_keys.keys", out);
  } else if (keys_file) {
    read_key_file(errors, *keys_file, out);
  } else {
    errors.add(node, "identity.api_keys.keys: required (or keys_file)");
  }
}

}  // namespace

void read_identity(ErrorList& errors, const YAML::Node& node, const std::string& config_path,
                   IdentityConfig& out) {
  MapFields fields(errors, node, "identity", {"jwt", "api_keys"});
  if (!fields.is_map()) return;
  if (const YAML::Node* jwt = fields.find("jwt")) {
    read_jwt(errors, *jwt, config_path, out.jwt.emplace());
  }
  if (const YAML::Node* api_keys = fields.find("api_keys")) {
    read_api_keys(errors, *api_keys, out.api_keys.emplace());
  }
}

}  // namespace centinela::config
