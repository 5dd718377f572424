// Keyed hashing of rate-limit keys for the in-process store. Keys are chosen
// by clients (IPs, header values), so the hash is SipHash-1-3 with a random
// per-process key: nobody outside can craft keys that collide or that pile
// into one shard. Within a process the key is fixed, so state survives
// config reloads.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/siphash.h"

namespace centinela::limit {

using util::siphash13;

// The store's fingerprint of a full key (never 0).
std::uint64_t key_fingerprint(std::string_view full_key);

}  // namespace centinela::limit
