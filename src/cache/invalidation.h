// RFC 9111 §4.4: a non-error response to an unsafe method invalidates the
// entries stored for its target and for the URLs its Location and
// Content-Location name — on this host only (another origin's entries are
// not this response's to drop). As a purge request, which the stage applies
// to L1, L2 and (published) every other instance's L1.
#pragma once

#include <optional>
#include <string_view>

#include "cache/memory_store.h"
#include "config/config.h"

namespace centinela::cache {

// The path (and query) of a Location-like reference when it names `host`
// (lower-case, no port) or no host; empty otherwise.
std::string_view same_host_path(std::string_view reference, std::string_view host);

struct UnsafeResponse {
  std::string_view host;    // the request's, lower-case, no port
  std::string_view target;  // the request's "/path?query"
  unsigned status = 0;
  std::string_view location;          // empty when absent
  std::string_view content_location;  // empty when absent
};

// The purge (by URL on `host`, queries normalised as the route keys them)
// the response calls for; nullopt for a 1xx, 4xx or 5xx.
std::optional<PurgeRequest> invalidation_purge(const config::CacheConfig& policy,
                                               const UnsafeResponse& response);

}  // namespace centinela::cache
