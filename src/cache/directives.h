// Cache-Control directives (RFC 9111 §5.2), parsed from a field value made of
// all the field's lines joined with ", ". Also used for CDN-Cache-Control
// (RFC 9213) and Centinela-Cache-Control, which share the syntax. Parsing is
// bounded: at most kMaxDirectives members are looked at and absurd numbers
// saturate, so a hostile header costs little and never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace centinela::cache {

inline constexpr int kMaxDirectives = 64;
// Delta-seconds beyond this saturate to it (RFC 9111 §1.2.2: 2^31).
inline constexpr std::int64_t kMaxDeltaSeconds = 2147483648;

struct ResponseDirectives {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> s_maxage;
  std::optional<std::int64_t> stale_while_revalidate;  // RFC 5861
  std::optional<std::int64_t> stale_if_error;          // RFC 5861
  bool no_store = false;
  bool no_cache = false;  // unqualified, or with field names (treated alike: revalidate)
  bool private_ = false;  // unqualified, or with field names (a shared cache does not store)
  bool public_ = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool immutable = false;
  bool no_transform = false;
  bool must_understand = false;  // RFC 9111 §5.2.2.3
  bool any = false;              // at least one directive was recognised
  // More than kMaxDirectives members: the rest was not read, so a no-store
  // or private beyond the limit may have been missed (plan_storage then
  // does not store).
  bool truncated = false;
};

struct RequestDirectives {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> max_stale;  // value given
  bool max_stale_any = false;             // max-stale without a value: any staleness
  std::optional<std::int64_t> min_fresh;
  bool no_cache = false;
  bool no_store = false;
  bool only_if_cached = false;
  bool no_transform = false;
  bool truncated = false;  // more than kMaxDirectives members; the rest ignored
};

// Unknown directives are ignored; a directive with an invalid argument
// (e.g. max-age=abc) is ignored as a whole, except that an invalid max-age in
// a response makes it stale (RFC 9111 §4.2.1 says treat it as 0), and that
// no-store, no-cache and private count whatever their argument (a malformed
// restriction is still a restriction).
//
// Names are case-insensitive; arguments may be tokens or quoted strings
// (`max-age="60"` is accepted, RFC 9111 §5.2); commas inside quoted strings
// (`no-cache="set-cookie, x-a"`) do not split members.
//
// Duplicates: the most restrictive wins. Boolean directives are set by any
// occurrence. In a response, max-age or s-maxage given twice with different
// values makes the response stale (0), as RFC 9111 §4.2.1 allows;
// stale-while-revalidate / stale-if-error take the smallest value. In a
// request, max-age and max-stale take the smallest, min-fresh the largest.
ResponseDirectives parse_response_directives(std::string_view value);
RequestDirectives parse_request_directives(std::string_view value);

// delta-seconds (RFC 9111 §1.2.2): digits only, saturating at
// kMaxDeltaSeconds; nullopt when empty or not all digits. For Age and
// directive arguments.
std::optional<std::int64_t> parse_delta_seconds(std::string_view text);

}  // namespace centinela::cache
