#include "threat/client_key.h"

#include <arpa/inet.h>

#include <cstring>

#include "util/siphash.h"

namespace centinela::threat {

std::string_view to_string(ClientKind kind) { return kind == ClientKind::ip ? "ip" : "user"; }

std::optional<ClientKind> parse_client_kind(std::string_view text) {
  if (text == "ip") return ClientKind::ip;
  if (text == "user") return ClientKind::user;
  return std::nullopt;
}

std::uint64_t fingerprint(const ClientKey& key) {
  static const util::SipKey secret = util::SipKey::random();
  // The kind is mixed into the key, so "ip 1.2.3.4" and a user named
  // "1.2.3.4" never share a score.
  const std::uint64_t k1 = secret.k1 ^ (key.kind == ClientKind::ip ? 0 : 0x9e3779b97f4a7c15ull);
  const std::uint64_t hash = util::siphash13(secret.k0, k1, key.name);
  return hash == 0 ? 1 : hash;
}

std::optional<IpBytes> parse_ip(std::string_view text) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  IpBytes bytes{};
  if (inet_pton(AF_INET6, buffer, bytes.data()) == 1) return bytes;
  if (inet_pton(AF_INET, buffer, bytes.data() + 12) != 1) return std::nullopt;
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  return bytes;
}

std::string format_ip(const IpBytes& address) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN] = {};
  const bool v4 = std::memcmp(address.data(), kMapped, sizeof kMapped) == 0;
  const char* written = v4 ? inet_ntop(AF_INET, address.data() + 12, text, sizeof text)
                           : inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return written ? std::string(written) : std::string();
}

std::optional<std::string> canonical_ip(std::string_view text) {
  auto bytes = parse_ip(text);
  if (!bytes) return std::nullopt;
  return format_ip(*bytes);
}

}  // namespace centinela::threat
