// Case-insensitive comparison of ASCII tokens without allocating: header
// values on the request path are compared in place, never lower-cased copies.
#pragma once

#include <string_view>

namespace centinela::compress {

constexpr char ascii_fold(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `lower` must already be lower-case.
constexpr bool equals_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (ascii_fold(text[i]) != lower[i]) return false;
  }
  return true;
}

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace centinela::compress
