// A stale entry checked with the upstream (RFC 9111 §4.3): the validators the
// conditional request carries, and the 304 that answers it merged into the
// stored response (§4.3.4) — judged anew, like a response arriving, so a 304
// that forbids storage drops the entry while this client still gets its
// answer.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/store_plan.h"
#include "config/config.h"

namespace centinela::stage {
class Arena;
class ResponseFields;
}  // namespace centinela::stage

namespace centinela::cache {

// The conditional fields a revalidation replaces with the entry's own
// validators (the client's conditionals are judged later, against what is
// then served).
inline constexpr std::array<std::string_view, 5> kConditionalFields = {
    "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"};

// Calls set(name, value) for each validator of `entry` (If-None-Match from
// its ETag, If-Modified-Since from its Last-Modified).
template <typename Set>
void for_each_validator(const CacheEntry& entry, Set&& set) {
  if (!entry.etag.empty()) set(std::string_view("If-None-Match"), std::string_view(entry.etag));
  if (!entry.last_modified.empty()) {
    set(std::string_view("If-Modified-Since"), std::string_view(entry.last_modified));
  }
}

// The request a background refresh of `stale` sends: a GET of the client's
// target with the client's fields (its credentials and Accept-Encoding too,
// so the answer is judged as the client's own would be), less its
// conditionals, Range, Cache-Control, Pragma, Expect and the unkeyed
// override fields, plus the entry's validators.
RequestHead refresh_request(const RequestHead& client, const CacheEntry& stale,
                            const config::CacheConfig& policy);

struct Refreshed {
  // The stored response updated with the 304's fields, its body and Vary
  // values the stale entry's: what this client gets, and what is stored
  // when `store`.
  std::shared_ptr<CacheEntry> entry;
  bool store = false;
  // What the 304 says about the resource (no-store, private, another Vary)
  // forbids keeping it: the stale entry goes too. (What it says about this
  // exchange — an answer to a credential — does not drop it.)
  bool drop_stale = false;
  // The 304's Set-Cookie values: this client's alone (unless the route
  // stores Set-Cookie), sent with `entry`, never stored. Views into the 304.
  std::vector<std::string_view> set_cookies;
};

// `not_modified`: the 304's fields. `arena`: where the merged field list is
// built (the request's).
Refreshed merge_not_modified(const CacheEntry& stale, const stage::ResponseFields& not_modified,
                             const EntrySource& source, const config::CacheConfig& policy,
                             stage::Arena& arena);

}  // namespace centinela::cache
