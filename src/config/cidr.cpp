#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "config/address.h"

namespace centinela::config {

std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, buffer, bytes.data()) == 1) return bytes;
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &v4, 4);
    return bytes;
  }
  return std::nullopt;
}

bool is_loopback_address(const std::array<std::uint8_t, 16>& address) {
  static constexpr std::array<std::uint8_t, 16> kV6Loopback = {0, 0, 0, 0, 0, 0, 0, 0,
                                                               0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::array<std::uint8_t, 12> kV4Mapped = {0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};
  if (address == kV6Loopback) return true;
  return std::equal(kV4Mapped.begin(), kV4Mapped.end(), address.begin()) && address[12] == 127;
}

Parsed<CidrRange> parse_cidr(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  std::string_view address_text = text;
  std::optional<std::uint64_t> prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    address_text = text.substr(0, slash);
    prefix = parse_unsigned(text.substr(slash + 1));
    if (!prefix) {
      return {std::nullopt, "bad address range " + quoted + ": prefix length must be a number"};
    }
  }
  auto address = parse_ip_address(address_text);
  if (!address) {
    return {std::nullopt, "bad address range " + quoted +
                              ": expected an IP address or CIDR, e.g. 10.0.0.0/8 or ::1"};
  }
  const bool is_v4 = address_text.find(':') == std::string_view::npos;
  const std::uint64_t max_prefix = is_v4 ? 32 : 128;
  if (prefix && *prefix > max_prefix) {
    return {std::nullopt, "bad address range " + quoted + ": prefix length must be at most " +
                              std::to_string(max_prefix)};
  }
  CidrRange range;
  range.prefix_len = static_cast<unsigned>(prefix.value_or(max_prefix) + (is_v4 ? 96 : 0));
  range.bytes = *address;
  // Clear host bits so "10.1.2.3/8" means 10.0.0.0/8, as routers read it.
  for (unsigned bit = range.prefix_len; bit < 128; ++bit) {
    range.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return {range, {}};
}

bool CidrRange::contains(const std::array<std::uint8_t, 16>& address) const {
  const unsigned whole_bytes = prefix_len / 8;
  if (std::memcmp(bytes.data(), address.data(), whole_bytes) != 0) return false;
  const unsigned rest_bits = prefix_len % 8;
  if (rest_bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xffu << (8 - rest_bits));
  return (bytes[whole_bytes] & mask) == (address[whole_bytes] & mask);
}

}  // namespace centinela::config
