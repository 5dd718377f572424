// The authority of a request — its Host field, or the authority of an
// absolute-form target — validated as uri-host [":" port] (RFC 9112 §3.2,
// RFC 3986 §3.2.2) and brought into one normal form. Routing, cache keys and
// the Host the upstream receives all use that form, so no two of them can
// read one request as naming different hosts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::http {

// Longest host accepted (a DNS name has at most 253 characters).
inline constexpr std::size_t kMaxHostBytes = 253;

enum class AuthorityError {
  none,
  empty,     // nothing, or only a port
  bad_host,  // not a reg-name or IPv6 literal we accept (userinfo, spaces, controls...)
  bad_port,  // ":" without 1-5 digits, more than 65535, or anything after them
};

struct AuthorityResult {
  AuthorityError error = AuthorityError::none;
  std::size_t host_size = 0;  // the normal form's host, without ":port"

  bool ok() const { return error == AuthorityError::none; }
};

// Validates `value` and writes its normal form into `out` (cleared first):
// - a reg-name is letters, digits, '-', '.', '_' and '~' only (stricter than
//   RFC 3986, which also allows sub-delims and %-escapes that no DNS name
//   has); lower-cased; one trailing '.' removed (a fully qualified name is
//   the same host); no empty label ("a..b", ".a");
// - an IP literal is "[IPv6]" (no zone, no IPvFuture), written in its
//   RFC 5952 text form ("[2001:db8::1]");
// - a port is 1 to 5 digits up to 65535, written without leading zeros
//   ("08443" → "8443") and kept even when it is the scheme's default.
// On error `out` holds nothing meaningful.
AuthorityResult normalize_authority(std::string_view value, std::string& out);

}  // namespace centinela::http
