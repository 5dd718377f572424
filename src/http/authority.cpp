#include "http/authority.h"

#include <arpa/inet.h>

#include <array>

#include "http/chars.h"

namespace centinela::http {
namespace {

// "[...]" at the start of `value`: writes the canonical literal into `out`
// and returns the bytes consumed, or 0 when it is no IPv6 literal.
std::size_t append_ip_literal(std::string_view value, std::string& out) {
  const std::size_t close = value.find(']');
  // The longest IPv6 text form is 45 characters ("ffff:...:255.255.255.255").
  if (close == std::string_view::npos || close < 3 || close > 46) return 0;
  std::array<char, INET6_ADDRSTRLEN + 1> text{};
  const std::string_view inside = value.substr(1, close - 1);
  for (std::size_t i = 0; i < inside.size(); ++i) {
    // inet_pton reads a C string: only hex digits, ':' and '.' may reach it.
    const char c = inside[i];
    if (!is_hex_digit(c) && c != ':' && c != '.') return 0;
    text[i] = c;
  }
  std::array<unsigned char, 16> address{};
  if (inet_pton(AF_INET6, text.data(), address.data()) != 1) return 0;
  std::array<char, INET6_ADDRSTRLEN> canonical{};
  if (inet_ntop(AF_INET6, address.data(), canonical.data(), canonical.size()) == nullptr) return 0;
  out += '[';
  out += canonical.data();
  out += ']';
  return close + 1;
}

// A reg-name at the start of `value`, lower-cased into `out`; returns the
// bytes consumed, or 0 when there is no acceptable name.
std::size_t append_reg_name(std::string_view value, std::string& out) {
  std::size_t i = 0;
  bool label_empty = true;
  while (i < value.size() && value[i] != ':') {
    const char c = value[i];
    if (c == '.') {
      if (label_empty) return 0;  // ".a", "a..b"
      label_empty = true;
    } else if (is_unreserved(c)) {
      label_empty = false;
    } else {
      return 0;
    }
    ++i;
  }
  if (i == 0) return 0;
  // "example.com." names example.com.
  const std::size_t size = value[i - 1] == '.' ? i - 1 : i;
  const std::size_t at = out.size();
  if (at + size > kMaxHostBytes) return 0;
  // Appended whole, then lowered: no growth check a character.
  out.append(value.data(), size);
  for (std::size_t k = at; k < out.size(); ++k) out[k] = ascii_lower(out[k]);
  return i;
}

// ":" 1*5DIGIT up to 65535, appended without leading zeros.
bool append_port(std::string_view port, std::string& out) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (const char c : port) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  // ':' and the digits, written backwards into a small array, appended once.
  std::array<char, 6> text{};
  std::size_t first = text.size();
  do {
    text[--first] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  text[--first] = ':';
  out.append(text.data() + first, text.size() - first);
  return true;
}

}  // namespace

AuthorityResult normalize_authority(std::string_view value, std::string& out) {
  out.clear();
  if (value.empty() || value.front() == ':') return {AuthorityError::empty, 0};
  const std::size_t consumed =
      value.front() == '[' ? append_ip_literal(value, out) : append_reg_name(value, out);
  if (consumed == 0) return {AuthorityError::bad_host, 0};
  const std::size_t host_size = out.size();
  const std::string_view rest = value.substr(consumed);
  if (rest.empty()) return {AuthorityError::none, host_size};
  if (rest.front() != ':') return {AuthorityError::bad_host, 0};
  if (!append_port(rest.substr(1), out)) return {AuthorityError::bad_port, 0};
  return {AuthorityError::none, host_size};
}

}  // namespace centinela::http
