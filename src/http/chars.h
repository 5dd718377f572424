// Character classes of the HTTP and URI grammars (RFC 9110 §5.6, RFC 3986 §2),
// as constexpr tables: the parsers of hostile input test one byte at a time.
#pragma once

#include <array>
#include <cstdint>

namespace centinela::http {

namespace detail {

enum CharClass : std::uint8_t {
  kTchar = 1 << 0,       // token characters (RFC 9110 §5.6.2)
  kUnreserved = 1 << 1,  // ALPHA DIGIT - . _ ~ (RFC 3986 §2.3)
  kSubDelim = 1 << 2,    // ! $ & ' ( ) * + , ; = (RFC 3986 §2.2)
  kHexDigit = 1 << 3,
  kVchar = 1 << 4,  // visible ASCII, 0x21..0x7E
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0x21; c <= 0x7E; ++c) t[c] |= kVchar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kTchar | kUnreserved | kHexDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kTchar | kUnreserved;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kTchar | kUnreserved;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHexDigit;
  for (int c = 'A'; c <= 'F'; ++c) t[c] |= kHexDigit;
  for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'}) {
    t[static_cast<unsigned char>(c)] |= kTchar;
  }
  for (char c : {'-', '.', '_', '~'}) t[static_cast<unsigned char>(c)] |= kUnreserved;
  for (char c : {'!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '='}) {
    t[static_cast<unsigned char>(c)] |= kSubDelim;
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

constexpr bool has(char c, std::uint8_t cls) {
  return (kClasses[static_cast<unsigned char>(c)] & cls) != 0;
}

}  // namespace detail

constexpr bool is_tchar(char c) { return detail::has(c, detail::kTchar); }
constexpr bool is_unreserved(char c) { return detail::has(c, detail::kUnreserved); }
constexpr bool is_sub_delim(char c) { return detail::has(c, detail::kSubDelim); }
constexpr bool is_hex_digit(char c) { return detail::has(c, detail::kHexDigit); }
constexpr bool is_vchar(char c) { return detail::has(c, detail::kVchar); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
// pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (the '%' is
// checked by the caller, which must see two hex digits after it).
constexpr bool is_pchar(char c) {
  return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@';
}
// Field values: VCHAR, SP, HTAB and obs-text (RFC 9110 §5.5).
constexpr bool is_field_value_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == ' ' || u == '\t' || (u >= 0x21 && u != 0x7F);
}

// 0..15 for a hex digit, -1 otherwise.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace centinela::http
