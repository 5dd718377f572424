// The first steps of a request on a caching route, as values: whether the
// cache takes part at all (bypass), what the client's Cache-Control asks,
// how a stored entry may be used at `now`, and which request fields must not
// reach the upstream because the key does not name them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "cache/cache_entry.h"
#include "cache/cache_key.h"
#include "cache/directives.h"
#include "cache/freshness.h"
#include "config/config.h"

namespace centinela::cache {

// Why a request goes past the cache untouched (X-Cache: BYPASS).
enum class Bypass : std::uint8_t {
  none,
  method,    // not GET or HEAD (unsafe methods then invalidate, RFC 9111 §4.4)
  rule,      // the route's bypass_headers / bypass_cookies
  no_store,  // the request said Cache-Control: no-store
  range,     // a Range request (partial content is not stored or served)
  // A credential that names no user on an `authorization: per_user` route
  // (a forged or unknown token): no entry is its own.
  unidentified,
};
// Cache-Status's detail: "method", "bypass-rule", "no-store", "range",
// "unidentified".
std::string_view bypass_detail(Bypass bypass);

struct LookupPlan {
  Bypass bypass = Bypass::none;
  bool invalidates = false;  // an unsafe method: a successful answer invalidates
  RequestDirectives directives;
};

// What the cache does with this request before any lookup.
LookupPlan plan_lookup(const config::CacheConfig& policy, const RequestHead& request);

// Whether the request carries a credential (carries_credentials) that named
// no user on a route with `override.authorization: per_user`.
bool credential_without_user(const config::CacheConfig& policy,
                             const config::IdentityConfig* identity, const RequestHead& request,
                             std::string_view user);

// The client's Cache-Control, or Pragma: no-cache when it sent no
// Cache-Control (RFC 9111 §5.4).
RequestDirectives request_directives(const RequestHead& request);

// How a stored entry may answer this request at `now` (freshness.h
// decide_use; a request's no-cache always revalidates).
UseDecision use_for(const CacheEntry& entry, const RequestDirectives& directives, std::int64_t now);

// Whether serving `entry` stale now also starts one background refresh:
// within its stale-while-revalidate window only (an entry served stale
// because the client's max-stale accepts it is not refreshed).
bool refreshes_in_background(const CacheEntry& entry, const UseDecision& use);

// Request fields some frameworks read as the request's host or URL. Not part
// of the key, so letting one through would let a client make the origin
// answer differently and have that answer served to everyone (poisoning).
inline constexpr std::array<std::string_view, 12> kUnkeyedOverrides = {
    "x-host",           "x-forwarded-server", "x-original-url",
    "x-rewrite-url",    "x-original-host",    "x-http-method-override",
    "x-http-method",    "x-method-override",  "x-forwarded-scheme",
    "x-forwarded-port", "x-forwarded-prefix", "forwarded"};

// Whether `name` (one of kUnkeyedOverrides) must be kept from the upstream:
// true unless the route keys on it (header:NAME).
bool strips_override(const config::CacheConfig& policy, std::string_view name);

// Calls drop(name) for every override field the request carries that the
// upstream must not receive.
template <typename Drop>
void for_each_unkeyed_override(const config::CacheConfig& policy, const RequestHead& request,
                               Drop&& drop) {
  for (const std::string_view name : kUnkeyedOverrides) {
    if (request.find(name) != request.end() && strips_override(policy, name)) drop(name);
  }
}

}  // namespace centinela::cache
