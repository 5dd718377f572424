// The cache stage's state for one request (in the request's arena): which
// part the cache plays in it, what it found, and what it is building.
#pragma once

#include <cstdint>
#include <memory>

#include "cache/cache_entry.h"
#include "cache/cache_status.h"
#include "cache/coalescer.h"
#include "cache/directives.h"
#include "cache/freshness.h"
#include "cache/lookup_plan.h"
#include "cache/store_plan.h"

namespace centinela::cache {

enum class Role : std::uint8_t {
  pass,        // bypassed (an unsafe method also invalidates), or answered locally
  served,      // answered from a stored entry: `report` says how
  fetch,       // a miss: the upstream's answer may be stored
  revalidate,  // `entry` is stale and being checked with the upstream
  refresh,     // a background refresh of `entry`: nobody waits for the answer
};

struct CacheState {
  Role role = Role::pass;
  Bypass bypass = Bypass::none;
  bool invalidates = false;
  bool counted = false;  // centinela_cache_requests_total has this request
  RequestDirectives directives;
  EntryIdentity identity;
  std::int64_t request_time = 0;

  // What the lookup found (served, revalidated or refreshed) and how it may
  // be used.
  EntryPtr entry;
  UseDecision use;
  StatusReport report;

  // The coalescing flight this request leads, finished in on_finish.
  std::shared_ptr<Flight> flight;

  // A response being stored, then the entry to store (or the merged one a
  // 304 made) and what becomes of the stale entry, until committed.
  std::shared_ptr<CacheEntry> building;
  EntryPtr result;
  bool store_result = false;
  bool drop_stale = false;

  // The entry the client got, and its variants then: compressed bodies made
  // during the response are charged to L1 at the end.
  EntryPtr served;
  unsigned served_mask = 0;
};

}  // namespace centinela::cache
