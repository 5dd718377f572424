// What a stored entry must satisfy to be served: the invariants an entry made
// from an origin response has by construction (its fields passed the HTTP
// parser and the storage rules, its times came from this clock), checked
// again for entries read back from Redis, which may be corrupted or written
// by someone else. A pure function: the time is passed in.
#pragma once

#include <cstdint>
#include <string_view>

#include "cache/cache_entry.h"
#include "cache/directives.h"

namespace centinela::cache {

// How far an entry's response_time may be ahead of this instance's clock
// (instances sharing Redis do not share a clock).
inline constexpr std::int64_t kMaxClockSkewSeconds = 300;

// Whether an origin's Date is believable next to the time its response
// arrived: within kMaxDeltaSeconds (68 years) of it. RFC 9110 §6.6.1 lets a
// recipient replace one that is not with that time.
constexpr bool plausible_date(std::int64_t date, std::int64_t received) {
  return date >= received - kMaxDeltaSeconds && date <= received + kMaxDeltaSeconds;
}

// Fields a stored response never carries in header_lines: the hit writes
// them (or frames the message) itself, so a stored one would be a second,
// conflicting copy on the wire (framing and hop-by-hop fields, Date, Age, the
// fields CacheEntry keeps apart, X-Cache, Cache-Status, X-Request-ID,
// Centinela-Cache-Control). Any case.
bool written_by_the_hit(std::string_view name);

// Null when `entry` may be served at `now`; otherwise what is wrong with it:
//  - status outside 200..599;
//  - header_lines not well-formed field lines (http/field_lines.h: no CR, LF
//    or NUL inside a line, token names), or naming a field the hit writes
//    itself or that frames the message (Content-Length, Transfer-Encoding,
//    Connection and the other hop-by-hop fields, Date, Age, ETag,
//    Last-Modified, Content-Type, Content-Encoding, Vary, X-Cache,
//    Cache-Status, X-Request-ID, Centinela-Cache-Control);
//  - etag, last_modified, content_type, content_encoding, tags or Vary values
//    that are not field values, Vary names that are not lower-case tokens,
//    Vary names and values differing in count;
//  - times out of range: request_time <= response_time <= now +
//    kMaxClockSkewSeconds, each within kMaxDeltaSeconds of the next, Date
//    plausible next to response_time, age and lifetime in 0..kMaxDeltaSeconds,
//    stale-* in -1..kMaxDeltaSeconds.
const char* entry_problem(const CacheEntry& entry, std::int64_t now);

}  // namespace centinela::cache
