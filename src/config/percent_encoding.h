// Percent-decoding (RFC 3986 §2.1), shared by the URL parts the gateway reads:
// Redis URLs, query parameters in the access log and admin endpoints.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace centinela::config {

// 0..15 for a hex digit, -1 otherwise.
int hex_digit_value(char c);

// `text` with every %XX decoded (and '+' as a space when `plus_as_space`);
// nothing when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space = false);

}  // namespace centinela::config
