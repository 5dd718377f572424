// The URLs to warm: one absolute http(s) URL or one path per line, as given
// to `centinela warm --urls` or in the admin request body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::warm {

// One request to send through the gateway.
struct WarmUrl {
  std::string host;    // Host field to send; empty: the gateway's own address
  std::string target;  // origin-form: "/path?query" (never a fragment)
  bool operator==(const WarmUrl&) const = default;
};

// Longest target accepted: longer ones would be refused by the gateway anyway.
inline constexpr std::size_t kMaxTargetBytes = 8 * 1024;

// "http://host[:port]/path?q" (http or https; the scheme only says where the
// Host comes from, the request always goes to the gateway in plain HTTP) or
// "/path?q". A fragment is dropped. Spaces, control characters and non-ASCII
// bytes are refused (they must be percent-encoded), so nothing in a list can
// change the shape of the request sent.
std::optional<WarmUrl> parse_warm_url(std::string_view text, std::string& error);

struct UrlList {
  std::vector<WarmUrl> urls;
  std::vector<std::string> errors;  // "line N: message", one per bad line
};

// One URL per line; surrounding blanks and a trailing CR are ignored, as are
// blank lines and lines starting with '#'.
UrlList parse_url_list(std::string_view text);

}  // namespace centinela::warm
