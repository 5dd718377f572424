// The RFC 9111 rules a shared cache applies: whether a response may be stored
// (§3), how long it stays fresh (§4.2.1, heuristics §4.2.2), its current age
// (§4.2.3), and whether a stored response may answer a request (§4.2.4,
// §5.2.1, RFC 5861 stale-while-revalidate / stale-if-error). Pure functions:
// time is passed in, nothing is looked up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/directives.h"
#include "config/config.h"

namespace centinela::cache {

struct CacheEntry;

// Why a response was not stored (for Cache-Status and logs), or ok.
enum class StoreVerdict {
  ok,
  method,         // not GET/HEAD
  status,         // not a final status this cache stores
  no_store,       // no-store in the request or the response
  private_,       // private
  authorization,  // the request carried a credential and the response did not allow sharing
  set_cookie,     // Set-Cookie and the route does not store those
  vary_star,      // Vary: *
  no_freshness,   // nothing makes it fresh and no validator makes it reusable
  partial,        // 206 / Content-Range
};
std::string_view to_string(StoreVerdict verdict);

// Which field steers this cache: Centinela-Cache-Control if present, else
// CDN-Cache-Control if present (RFC 9213: then Cache-Control is ignored for
// freshness), else Cache-Control.
struct SteeringFields {
  std::string_view centinela_cache_control;  // joined value, empty when absent
  std::string_view cdn_cache_control;
  std::string_view cache_control;
};

// The storage decision for one response, and the freshness facts to keep.
struct StoragePlan {
  StoreVerdict verdict = StoreVerdict::ok;
  std::int64_t freshness_lifetime = 0;       // seconds
  std::int64_t stale_while_revalidate = -1;  // seconds, -1 none
  std::int64_t stale_if_error = -1;          // seconds, -1 none
  bool must_revalidate = false;
  bool no_cache = false;
  bool immutable = false;
  bool heuristic = false;  // freshness came from Last-Modified
};

// `request_has_credentials`: the client request carried a credential
// (cache_key.h carries_credentials) and its entry is not one per identity.
// `route`: the route's cache policy (ttl, stale_* defaults, store_set_cookie).
// `now`, `date`, `expires`, `last_modified`: seconds since the epoch (the
// parsed HTTP dates; nullopt when absent or invalid; an invalid Expires means
// "already expired").
struct ResponseFacts {
  std::string_view method;  // of the request
  unsigned status = 0;
  bool request_has_credentials = false;
  // The entry is one user's alone (`authorization: per_user`, a user named):
  // `private` does not stop it, as it would not stop that user's own cache.
  bool user_entry = false;
  bool request_no_store = false;  // the request said no-store
  SteeringFields steering;
  bool has_set_cookie = false;
  bool vary_star = false;
  bool has_content_range = false;
  bool has_validator = false;  // ETag or Last-Modified
  std::optional<std::int64_t> date;
  std::optional<std::int64_t> expires;
  bool expires_invalid = false;
  std::optional<std::int64_t> last_modified;
  std::int64_t response_time = 0;  // now
};
//
// Lifetime: s-maxage, then max-age, then Expires - Date (Expires ignored when
// a targeted field steers), then the route's ttl (statuses 200 203 204 300
// 301 308 404 405 410 414 501), then 10% of Date - Last-Modified capped at a
// day for those statuses or a `public` response. Stored statuses: those and
// 302 303 307 451. A response with neither a lifetime nor a validator is not
// stored (no_freshness), nor is a no-cache one without a validator.
// The route's `override` comes first: `ttl_by_status` stores what it lists
// with a lifetime (also statuses not stored otherwise) and refuses what it
// gives 0, and its lifetime stands in for the route's ttl; `ignore` takes
// Cache-Control and CDN-Cache-Control (no-store and private too), Expires or
// Set-Cookie as absent (Centinela-Cache-Control still steers).
// Serving stale: must-revalidate, proxy-revalidate and no-cache forbid it
// (stale_* are -1); with s-maxage only the origin's own stale-* count;
// otherwise the origin's stale-*, else the route's defaults.
StoragePlan plan_storage(const ResponseFacts& facts, const config::CacheConfig& route);

// RFC 9111 §4.2.3 current_age, in seconds, for a stored entry at `now`.
std::int64_t current_age(const CacheEntry& entry, std::int64_t now);

// How a stored entry may be used for a request at `now`.
enum class Usability {
  fresh,                           // serve it (HIT)
  stale_revalidate_in_background,  // serve it (STALE) and refresh once in the background
  must_revalidate,                 // ask the upstream (conditional request) before using it
};
struct UseDecision {
  Usability use = Usability::must_revalidate;
  std::int64_t age = 0;            // current age, for the Age field
  std::int64_t ttl = 0;            // freshness_lifetime - age (negative when stale)
  bool stale_if_error_ok = false;  // if revalidation fails, the entry may still be served
};
// Fresh when age < lifetime and the request's max-age / min-fresh accept it
// (request no-cache forces revalidation unless the entry is immutable).
// Stale entries are served (stale_revalidate_in_background) under the
// request's max-stale (not for must_revalidate entries) or within the
// entry's stale-while-revalidate window; never for no_cache entries.
UseDecision decide_use(const CacheEntry& entry, const RequestDirectives& request, std::int64_t now);

// An HTTP-date (IMF-fixdate, RFC 850 and asctime forms, RFC 9110 §5.6.7) as
// seconds since the epoch, or nullopt. Strict: exact layout, case-sensitive
// names, "GMT", real calendar dates; the weekday is not cross-checked.
// `now` resolves RFC 850's two-digit year (a year more than 50 years ahead
// of now is taken as the century before); the one-argument form reads the
// system clock for that.
std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now);
std::optional<std::int64_t> parse_http_date(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (no time zone, no
// locale, no library state).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace centinela::cache
