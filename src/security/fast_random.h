// A fast per-thread pseudo-random source for identifiers (request ids, trace
// and span ids). Not for secrets: ids must be unique and unpredictable enough
// to not collide, and must cost nothing on the hot path (no locks, no syscalls
// after the first call on a thread).
#pragma once

#include <cstddef>
#include <cstdint>

namespace centinela::security {

// 64 random bits from this thread's xoshiro256** generator, seeded once per
// thread from std::random_device.
std::uint64_t fast_random_u64() noexcept;

// Writes `count` random lower-case hex digits to `out` (no terminator).
void fill_random_hex(char* out, std::size_t count) noexcept;

}  // namespace centinela::security
