// The request-target (RFC 9112 §3.2) split into its forms and checked against
// RFC 3986, and the path normalised as RFC 3986 §6.2.2 describes, so that one
// resource has one spelling for routing, rate limits, cache keys and the
// upstream. Anything another parser could read differently from us (a
// fragment, a backslash, raw non-ASCII, a broken %-escape) is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace centinela::http {

enum class TargetForm {
  origin,    // "/path?query"
  absolute,  // "http://authority/path?query": the authority replaces Host
  asterisk,  // "*" (OPTIONS only; the caller checks the method)
};

enum class TargetError {
  none,
  bad_form,    // none of the forms above (authority-form, a scheme other than http/https)
  bad_char,    // a byte RFC 3986 does not allow where it is
  bad_escape,  // '%' not followed by two hex digits
  userinfo,    // "http://user@host/": never accepted
};

struct RequestTarget {
  TargetForm form = TargetForm::origin;
  std::string_view authority;        // absolute-form only, unvalidated (see authority.h)
  std::string_view path;             // as sent; empty for absolute-form without a path
  std::string_view query;            // without its '?'
  bool has_query = false;            // "/a?" has an empty query, "/a" none
  std::string_view path_and_query;   // from the path on, as sent ("" when the path is empty)
  bool query_needs_escapes = false;  // holds a byte append_normal_query escapes
};

// Splits and checks `target`. The query may hold what RFC 3986 allows plus
// the bytes browsers leave unencoded there ([ ] { } | ^ ` \), kept as sent,
// and " < > which scripts and typed URLs send raw where browsers escape them
// (append_normal_query escapes those). The path is checked by normalize_path.
TargetError parse_request_target(std::string_view target, RequestTarget& out);

// Appends `query` (checked by parse_request_target) with " < > as %22 %3C
// %3E, the spelling a browser sends: one resource, one spelling, and no
// quote or angle bracket for an origin's parser or log to trip on.
void append_normal_query(std::string_view query, std::string& out);

// What normalising a path found that the gateway refuses unless the route
// says `normalize_path: false`: each could make an origin see another path
// than the one routed.
enum PathFlag : std::uint8_t {
  kEncodedSlash = 1 << 0,     // %2F or %5C: a separator to some origins, none to us
  kEncodedNul = 1 << 1,       // %00
  kClimbsAboveRoot = 1 << 2,  // a ".." with no segment left to remove
};

struct PathResult {
  TargetError error = TargetError::none;
  std::uint8_t flags = 0;  // PathFlag bits

  bool ok() const { return error == TargetError::none; }
};

// Writes the normal form of `path` ("/..." or empty) into `out` (cleared
// first): %-escapes of unreserved characters decoded ("%7e" → "~"), other
// escapes kept with upper-case hex ("%2f" → "%2F"), the bytes browsers send
// raw ([ ] { } | ^ `) %-encoded, "." and ".." segments removed (RFC 3986
// §5.2.4), and runs of '/' merged. An empty path becomes "/". The result is
// idempotent: normalising it again changes nothing.
PathResult normalize_path(std::string_view path, std::string& out);

}  // namespace centinela::http
