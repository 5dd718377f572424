// The outcome of one rate-limit decision, in the units the algorithms use
// (nanoseconds), plus the rounding to whole seconds the headers need.
#pragma once

#include <cstdint>

namespace centinela::limit {

struct Decision {
  bool allowed = true;
  std::uint64_t remaining = 0;      // requests still admitted right now, after this one
  std::int64_t reset_ns = 0;        // until the key is back to its full quota
  std::int64_t retry_after_ns = 0;  // until the next request would be admitted (0: now)
};

// Whole seconds, rounded up: a client that waits this long is not early.
constexpr std::int64_t ceil_seconds(std::int64_t ns) {
  if (ns <= 0) return 0;
  return (ns + 999'999'999) / 1'000'000'000;
}

}  // namespace centinela::limit
