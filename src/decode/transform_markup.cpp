// htmlEntityDecode, jsDecode and cssDecode as libmodsecurity3 3.0.9 runs
// them: each escape yields one byte (the low byte of what it names), an
// escape it cannot read is kept as it is.
#include <climits>
#include <cstdint>

#include "decode/output.h"
#include "decode/transform.h"
#include "decode/transforms.h"

namespace centinela::decode::tfn {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_f(char c) { return c == 'f' || c == 'F'; }

// The byte strtol(digits, base) gives once cast to unsigned char: the low
// byte, or 0xff when the number overflows a long (strtol saturates).
char strtol_byte(std::string_view digits, unsigned base) {
  std::uint64_t value = 0;
  for (char c : digits) {
    const unsigned digit = hex_value(static_cast<unsigned char>(c));
    if (value > (static_cast<std::uint64_t>(LONG_MAX) - digit) / base) return '\xff';
    value = value * base + digit;
  }
  return static_cast<char>(value & 0xff);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != b[i]) return false;  // b is lower-case letters
  }
  return true;
}

// The byte of &name; for the five names 3.0.9 knows, or -1.
int named_entity(std::string_view name) {
  if (equals_ignoring_case(name, "quot")) return '"';
  if (equals_ignoring_case(name, "amp")) return '&';
  if (equals_ignoring_case(name, "lt")) return '<';
  if (equals_ignoring_case(name, "gt")) return '>';
  if (equals_ignoring_case(name, "nbsp")) return 0xa0;
  return -1;
}

// The entity at `i` (in[i] == '&'): emits its byte and returns where the
// input continues, or copies what ModSecurity copies ('&', "&#", "&#x" or
// '&' and an unknown name) and returns the position after it.
std::size_t html_entity(std::string_view in, std::size_t i, Output& o) {
  const std::size_t n = in.size();
  std::size_t copy = 1;
  std::size_t j = i + 1;
  if (j >= n) {
    // A lone '&' at the end.
  } else if (in[j] == '#') {
    copy = 2;
    const bool hex = j + 1 < n && (in[j + 1] == 'x' || in[j + 1] == 'X');
    if (hex) copy = 3;
    j += hex ? 2 : 1;
    const std::size_t k = j;
    while (j < n && (hex ? is_hex(in[j]) : is_digit(in[j]))) ++j;
    if (k < n && j > k) {
      o.put(strtol_byte(in.substr(k, j - k), hex ? 16 : 10));
      return j < n && in[j] == ';' ? j + 1 : j;
    }
  } else {
    const std::size_t k = j;
    while (j < n && is_alnum(in[j])) ++j;
    const int byte = named_entity(in.substr(k, j - k));
    if (byte >= 0) {
      o.put(static_cast<char>(byte));
      return j < n && in[j] == ';' ? j + 1 : j;
    }
    copy = j - k + 1;
  }
  o.keep(i, i + copy);
  return i + copy;
}

// The escape at `i` (in[i] == '\\'): emits what it stands for and returns
// where the input continues.
std::size_t js_escape(std::string_view in, std::size_t i, Output& o) {
  const std::size_t n = in.size();
  const auto hex_run = [&](std::size_t from, std::size_t count) {
    if (from + count > n) return false;
    for (std::size_t k = from; k < from + count; ++k) {
      if (!is_hex(in[k])) return false;
    }
    return true;
  };
  if (i + 1 >= n) {  // a backslash at the end stays
    o.keep(i, n);
    return n;
  }
  const char next = in[i + 1];
  if (next == 'u' && hex_run(i + 2, 4)) {
    unsigned char byte = static_cast<unsigned char>(hex_byte(&in[i + 4]));
    if (byte > 0x00 && byte < 0x5f && is_f(in[i + 2]) && is_f(in[i + 3])) byte += 0x20;
    o.put(static_cast<char>(byte));
    return i + 6;
  }
  if (next == 'x' && hex_run(i + 2, 2)) {
    o.put(hex_byte(&in[i + 2]));
    return i + 4;
  }
  if (is_octal(next)) {
    std::size_t digits = 1;
    while (digits < 3 && i + 1 + digits < n && is_octal(in[i + 1 + digits])) ++digits;
    if (digits == 3 && next > '3') digits = 2;  // one byte at most: \377
    o.put(strtol_byte(in.substr(i + 1, digits), 8));
    return i + 1 + digits;
  }
  char c = next;
  switch (next) {
    case 'a':
      c = '\a';
      break;
    case 'b':
      c = '\b';
      break;
    case 'f':
      c = '\f';
      break;
    case 'n':
      c = '\n';
      break;
    case 'r':
      c = '\r';
      break;
    case 't':
      c = '\t';
      break;
    case 'v':
      c = '\v';
      break;
    default:
      break;
  }
  o.put(c);
  return i + 2;
}

// The CSS escape at `i` (in[i] == '\\'): 1 to 6 hex digits give the byte of
// their last two (full-width ASCII mapped), one whitespace after them is
// eaten; "\\\n" vanishes; "\\c" is c. Returns where the input continues and
// sets `byte` to the byte emitted, or -1 when none.
std::size_t css_escape(std::string_view in, std::size_t i, int& byte) {
  const std::size_t n = in.size();
  byte = -1;
  if (i + 1 >= n) return n;  // a backslash at the end vanishes
  ++i;
  std::size_t j = 0;
  while (j < 6 && i + j < n && is_hex(in[i + j])) ++j;
  if (j == 0) {
    if (in[i] == '\n') return i + 1;
    byte = static_cast<unsigned char>(in[i]);
    return i + 1;
  }
  unsigned char b = j == 1 ? static_cast<unsigned char>(hex_value(in[i]))
                           : static_cast<unsigned char>(hex_byte(&in[i + j - 2]));
  const bool full_width_check =
      j == 4 || (j == 5 && in[i] == '0') || (j == 6 && in[i] == '0' && in[i + 1] == '0');
  if (full_width_check && b > 0x00 && b < 0x5f && is_f(in[i + j - 3]) && is_f(in[i + j - 4])) {
    b += 0x20;
  }
  byte = b;
  if (i + j < n && is_c_space(in[i + j])) ++j;
  return i + j;
}

}  // namespace

bool html_entity_decode(std::string_view in, std::string& out) {
  std::size_t i = in.find('&');
  if (i == std::string_view::npos) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i != std::string_view::npos) {
    o.keep(kept, i);
    kept = html_entity(in, i, o);
    i = in.find('&', kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

bool js_decode(std::string_view in, std::string& out) {
  std::size_t i = in.find('\\');
  if (i == std::string_view::npos) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i != std::string_view::npos) {
    o.keep(kept, i);
    kept = js_escape(in, i, o);
    i = in.find('\\', kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

// 3.0.9 returns the decoded bytes up to the first NUL (it rebuilds the value
// from a C string), so a NUL, raw or escaped, ends the output.
bool css_decode(std::string_view in, std::string& out) {
  const ByteSet& special = triggers(Transform::css_decode);
  std::size_t i = special.find(in);
  if (i == in.size()) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i < in.size()) {
    o.keep(kept, i);
    if (in[i] == '\0') return o.finish();
    int byte = -1;
    kept = css_escape(in, i, byte);
    if (byte == 0) return o.finish();
    if (byte > 0) o.put(static_cast<char>(byte));
    i = special.find(in, kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

}  // namespace centinela::decode::tfn
