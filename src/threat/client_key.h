// Who a threat score belongs to: a client IP, or a user identity knows.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace centinela::threat {

enum class ClientKind : std::uint8_t { ip = 0, user = 1 };

std::string_view to_string(ClientKind kind);  // "ip", "user"
std::optional<ClientKind> parse_client_kind(std::string_view text);

// `name` is the canonical address text for IPs ("192.0.2.1", "2001:db8::1":
// what the front door resolves, and what canonical_ip() returns), the user
// name otherwise. Views: valid for the call they are passed to.
struct ClientKey {
  ClientKind kind = ClientKind::ip;
  std::string_view name;

  static ClientKey ip(std::string_view address) { return {ClientKind::ip, address}; }
  static ClientKey user(std::string_view user) { return {ClientKind::user, user}; }
};

using IpBytes = std::array<std::uint8_t, 16>;  // IPv4 as ::ffff:a.b.c.d

// The table's key for a client (never 0): SipHash with a per-process secret,
// so clients cannot aim their keys at one shard.
std::uint64_t fingerprint(const ClientKey& key);

// An IPv4 or IPv6 literal as 16 bytes; nullopt when it is not one.
std::optional<IpBytes> parse_ip(std::string_view text);
// Dotted quad for IPv4-mapped addresses, RFC 5952 otherwise.
std::string format_ip(const IpBytes& address);
// The canonical text of an address typed by an operator ("::ffff:1.2.3.4" →
// "1.2.3.4"), or nullopt.
std::optional<std::string> canonical_ip(std::string_view text);

}  // namespace centinela::threat
