#include "cache/l2_ttl.h"

#include <algorithm>

#include "cache/freshness.h"

namespace centinela::cache {

std::int64_t l2_ttl(const CacheEntry& entry, std::int64_t now) {
  constexpr std::int64_t kValidatorOnlyCap = 86400;
  const std::int64_t fresh_left = entry.freshness_lifetime - current_age(entry, now);
  const std::int64_t stale_window =
      std::max<std::int64_t>({entry.stale_while_revalidate, entry.stale_if_error, 0});
  std::int64_t ttl = std::max<std::int64_t>(fresh_left, 0) + stale_window;
  if (!entry.etag.empty() || !entry.last_modified.empty()) {
    ttl = std::max<std::int64_t>(ttl, std::min(entry.freshness_lifetime, kValidatorOnlyCap));
  }
  return ttl;
}

}  // namespace centinela::cache
