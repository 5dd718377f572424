// urlDecode, urlDecodeUni and utf8toUnicode as libmodsecurity3 3.0.9 runs
// them (utils::urldecode_nonstrict_inplace, UrlDecodeUni::inplace,
// Utf8ToUnicode::inplace): invalid escapes are kept as they are.
#include <array>
#include <cstdint>

#include "decode/output.h"
#include "decode/transform.h"
#include "decode/transforms.h"

namespace centinela::decode::tfn {
namespace {

bool is_f(char c) { return c == 'f' || c == 'F'; }

// %XX at `i` (the caller saw the '%'): the byte, or -1 when there are not two
// hex digits (ModSecurity needs i + 2 < size, so "%4" at the end stays).
int percent_byte(std::string_view in, std::size_t i) {
  if (i + 2 >= in.size()) return -1;
  if (!is_hex(in[i + 1]) || !is_hex(in[i + 2])) return -1;
  return static_cast<unsigned char>(hex_byte(&in[i + 1]));
}

// %uHHHH at `i`: the low byte of the code unit; full-width ASCII (U+FF01 to
// U+FF5E) becomes ASCII. -1 when there are not four hex digits.
int percent_u_byte(std::string_view in, std::size_t i) {
  if (i + 5 >= in.size()) return -1;
  for (std::size_t k = 2; k <= 5; ++k) {
    if (!is_hex(in[i + k])) return -1;
  }
  unsigned char byte = static_cast<unsigned char>(hex_byte(&in[i + 4]));
  if (byte > 0x00 && byte < 0x5f && is_f(in[i + 2]) && is_f(in[i + 3])) byte += 0x20;
  return byte;
}

bool decode_url(std::string_view in, std::string& out, bool unicode) {
  const ByteSet& special = triggers(Transform::url_decode);
  std::size_t i = special.find(in);
  if (i == in.size()) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i < in.size()) {
    o.keep(kept, i);
    if (in[i] == '+') {
      o.put(' ');
      kept = i + 1;
    } else if (unicode && i + 1 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U')) {
      const int byte = percent_u_byte(in, i);
      if (byte >= 0) {
        o.put(static_cast<char>(byte));
        kept = i + 6;
      } else {
        o.keep(i, i + 2);  // an invalid %u: both bytes stay
        kept = i + 2;
      }
    } else {
      const int byte = percent_byte(in, i);
      if (byte >= 0) {
        o.put(static_cast<char>(byte));
        kept = i + 3;
      } else {
        o.keep(i, i + 1);
        kept = i + 1;
      }
    }
    i = special.find(in, kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

// "%u" and the code point in lower-case hex, at least four digits.
void put_code_point(Output& o, std::uint32_t d) {
  std::array<char, 8> digits{};
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[d & 0xf];
    d >>= 4;
  } while (d != 0);
  o.put('%');
  o.put('u');
  for (int pad = n; pad < 4; ++pad) o.put('0');
  while (n > 0) o.put(digits[--n]);
}

// One UTF-8 sequence led by `c` (>= 0x80) at `i`; returns how many bytes it
// used. 3.0.9: a sequence with a bad continuation byte loses its lead byte;
// a valid one becomes %uHHHH, followed by the lead byte again when it is
// overlong or a surrogate; 0xF5..0xF7 leads are also copied before it; any
// other byte >= 0x80 is copied.
std::size_t utf8_sequence(std::string_view in, std::size_t i, Output& o) {
  const auto at = [&](std::size_t k) -> unsigned char {
    return k < in.size() ? static_cast<unsigned char>(in[k]) : 0;  // its NUL terminator
  };
  const unsigned char c = at(i);
  std::size_t length = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    if (c >= 0xF5) o.put(static_cast<char>(c));
  } else {
    o.put(static_cast<char>(c));
    return 1;
  }
  std::uint32_t d = c & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 1;  // lead byte dropped
    d = (d << 6) | (at(i + k) & 0x3F);
  }
  put_code_point(o, d);
  const bool surrogate = d >= 0xD800 && d <= 0xDFFF;
  const bool overlong =
      (length == 2 && d < 0x80) || (length == 3 && d < 0x800) || (length == 4 && d < 0x10000);
  if (surrogate) o.put(static_cast<char>(c));
  if (overlong) o.put(static_cast<char>(c));
  return length;
}

}  // namespace

bool url_decode(std::string_view in, std::string& out) { return decode_url(in, out, false); }

bool url_decode_uni(std::string_view in, std::string& out) { return decode_url(in, out, true); }

// Multi-byte UTF-8 as %uHHHH; NUL bytes dropped (3.0.9 overwrites them).
bool utf8_to_unicode(std::string_view in, std::string& out) {
  const ByteSet& special = triggers(Transform::utf8_to_unicode);
  std::size_t i = special.find(in);
  if (i == in.size()) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i < in.size()) {
    o.keep(kept, i);
    i += in[i] == '\0' ? 1 : utf8_sequence(in, i, o);
    kept = i;
    i = special.find(in, kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

}  // namespace centinela::decode::tfn
