// The client's own conditional request (RFC 9110 §13.2.2) judged against the
// stored entry that answers it: when it already has that representation, the
// cache answers 304 instead of the body.
#pragma once

#include <cstdint>

#include "cache/cache_entry.h"
#include "cache/cache_key.h"

namespace centinela::cache {

// If-None-Match (weak comparison, "*" matches) decides when present; else
// If-Modified-Since against the entry's Last-Modified. Only a 200 entry is
// answered so. `now` resolves two-digit years in the dates.
bool client_has_current(const RequestHead& request, const CacheEntry& entry, std::int64_t now);

}  // namespace centinela::cache
