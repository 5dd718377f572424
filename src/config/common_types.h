// Value types every section's structs use: durations, IP ranges.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace centinela::config {

using Duration = std::chrono::milliseconds;

// An IP range. Addresses are kept as 16 bytes, IPv4 as IPv4-mapped IPv6
// (::ffff:a.b.c.d), so one comparison serves both families.
struct CidrRange {
  std::array<std::uint8_t, 16> bytes{};
  unsigned prefix_len = 128;  // counted on the 128-bit form
  bool contains(const std::array<std::uint8_t, 16>& address) const;
};

}  // namespace centinela::config
