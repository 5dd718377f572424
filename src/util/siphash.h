// SipHash-1-3: a keyed 64-bit hash for keys chosen by clients (IPs, header
// values, user names). With a secret key nobody outside can craft keys that
// collide or that pile into one shard of a table.
#pragma once

#include <cstdint>
#include <string_view>

namespace centinela::util {

std::uint64_t siphash13(std::uint64_t k0, std::uint64_t k1, std::string_view data);

// A random key for one process, drawn once (std::random_device).
struct SipKey {
  std::uint64_t k0, k1;
  static SipKey random();
};

}  // namespace centinela::util
