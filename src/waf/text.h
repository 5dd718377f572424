// Small byte-string helpers shared by the WAF's parsers and evaluator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace centinela::waf {

inline char lower_byte(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_byte(c);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_byte(a[i]) != lower_byte(b[i])) return false;
  }
  return true;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ModSecurity's uri_decode: %XX with two hex digits becomes the byte, every
// other byte (a lone '%', '+') stays.
std::string uri_decode(std::string_view in);

// The arguments decoder (urldecode_nonstrict): the same, and '+' is a space.
std::string form_decode(std::string_view in);

// atoi as ModSecurity's numeric operators read a value: leading spaces, a
// sign, digits; anything else ends the number (none at all: 0).
std::int64_t to_number(std::string_view s);

}  // namespace centinela::waf
