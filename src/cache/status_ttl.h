// A route's `cache.override.ttl_by_status` (nginx proxy_cache_valid) looked
// up for one status: the exact code first, then its class, then `any`.
#pragma once

#include <cstdint>
#include <optional>

#include "config/config.h"

namespace centinela::cache {

// The freshness lifetime, in seconds, the route gives responses of `status`
// (0: never stored), or nullopt when no entry names it.
std::optional<std::int64_t> status_ttl(const config::CacheOverrideConfig& rules, unsigned status);

}  // namespace centinela::cache
