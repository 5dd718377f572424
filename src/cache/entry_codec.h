// The binary form of a CacheEntry in Redis (L2). Versioned and
// length-prefixed, so any byte may appear in a body or header, a future
// format is recognised (and skipped) rather than misread, and a truncated or
// corrupted value is rejected with a reason instead of being served.
//
// Layout: magic "CNC" + version byte (1), then fixed-width little-endian
// integers and u32-length-prefixed strings in a fixed order, then a CRC-32 of
// everything before it. Compressed variants are not stored (rebuilt on use).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cache/cache_entry.h"

namespace centinela::cache {

inline constexpr unsigned char kEntryFormatVersion = 1;

void encode_entry(const CacheEntry& entry, std::string& out);

// Null with `error` set ("bad magic", "unknown version 7", "truncated",
// "checksum mismatch", "field too large"...) when `bytes` is not a valid
// entry, or (entry_checks.h) not one an origin response could have made at
// `now`: what Redis hands back is checked like an origin response before it
// can be served.
std::shared_ptr<CacheEntry> decode_entry(std::string_view bytes, std::int64_t now,
                                         std::string& error);

}  // namespace centinela::cache
