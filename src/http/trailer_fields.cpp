#include "http/trailer_fields.h"

namespace centinela::http {
namespace {

constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool equals_lower(std::string_view name, std::string_view lower_name) {
  if (name.size() != lower_name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (lower(name[i]) != lower_name[i]) return false;
  }
  return true;
}

// RFC 9110 §6.5.1 names the kinds; these are their fields. Cookies and the
// gateway's own forwarding fields are here too: a peer that merges trailers
// into the head would otherwise take them unvetted.
constexpr std::string_view kNeverTrailers[] = {
    // framing and connection-specific (RFC 9112 §6, RFC 9110 §7.6.1)
    "content-length", "transfer-encoding", "trailer", "connection", "keep-alive",
    "proxy-connection", "upgrade", "te",
    // routing
    "host", ":authority", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
    "via", "max-forwards",
    // request modifiers: controls and conditionals (RFC 9110 §7.6, §13.1)
    "expect", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since",
    "if-range", "cache-control", "pragma",
    // authentication and state (RFC 9110 §11, RFC 6265)
    "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate",
    "authentication-info", "proxy-authentication-info", "cookie", "set-cookie",
    // response controls (RFC 9110 §10.2, RFC 9111 §5)
    "age", "expires", "date", "location", "retry-after", "vary",
    // content format (RFC 9110 §8)
    "content-encoding", "content-type", "content-range", "content-location", "content-language"};

}  // namespace

bool may_relay_trailer(std::string_view name) {
  if (name.empty()) return false;
  for (const std::string_view never : kNeverTrailers) {
    if (equals_lower(name, never)) return false;
  }
  return true;
}

}  // namespace centinela::http
