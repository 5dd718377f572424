// How long the shared L2 (Redis) keeps an entry: as long as it can serve it
// (fresh, then within stale-while-revalidate / stale-if-error), and when only
// its validators make it reusable, up to a day past that.
#pragma once

#include <cstdint>

#include "cache/cache_entry.h"

namespace centinela::cache {

// Seconds from `now`; 0 or less: not worth writing.
std::int64_t l2_ttl(const CacheEntry& entry, std::int64_t now);

}  // namespace centinela::cache
