// Network addresses as written in the config: host:port endpoints, IP
// addresses and CIDR ranges.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config.h"
#include "config/units.h"

namespace centinela::config {

// An IPv4 ("10.0.0.1") or IPv6 ("::1") literal as 16 bytes, IPv4 as
// IPv4-mapped IPv6, the form CidrRange::contains expects.
std::optional<std::array<std::uint8_t, 16>> parse_ip_address(std::string_view text);

// 127.0.0.0/8 (also IPv4-mapped) or ::1, in parse_ip_address's form.
bool is_loopback_address(const std::array<std::uint8_t, 16>& address);

// "10.0.0.0/8", "fd00::/8", or a bare address (a single-host range). IPv4
// prefixes are stored on the 128-bit form (+96); host bits are cleared.
Parsed<CidrRange> parse_cidr(std::string_view text);

// "host:port" or "[ipv6]:port". Without a port, `default_port` is used when
// given; otherwise a missing port is an error.
Parsed<Endpoint> parse_endpoint(std::string_view text,
                                std::optional<std::uint16_t> default_port = std::nullopt);

}  // namespace centinela::config
