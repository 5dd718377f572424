// The escape layers: URL (%XX, %uXXXX), HTML character references and
// JavaScript/JSON escapes, decoded to whole code points (surrogate pairs
// joined) as a browser or a back end would. Escapes that are not well formed
// stay as they are.
#include <cstring>

#include "decode/layers.h"
#include "decode/transforms.h"
#include "decode/unicode_tables.h"

namespace centinela::decode::layer {
namespace {

using tfn::hex_value;
using tfn::is_hex;

// `count` hex digits at in[i]: their value, or -1.
long hex_digits(std::string_view in, std::size_t i, std::size_t count) {
  if (i + count > in.size()) return -1;
  long value = 0;
  for (std::size_t k = i; k < i + count; ++k) {
    if (!is_hex(in[k])) return -1;
    value = value * 16 + static_cast<long>(hex_value(in[k]));
  }
  return value;
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

bool is_high_surrogate(long u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(long u) { return u >= 0xDC00 && u <= 0xDFFF; }

// A UTF-16 code unit `unit` whose escape ended at `next`; when it is a high
// surrogate and `low` reads a low one there (returning its end), the pair.
template <typename ReadLow>
std::uint32_t join_surrogates(long unit, std::size_t& next, ReadLow low) {
  if (!is_high_surrogate(unit)) return static_cast<std::uint32_t>(unit);
  std::size_t end = next;
  const long second = low(next, end);
  if (!is_low_surrogate(second)) return 0xFFFD;
  next = end;
  return 0x10000 + ((static_cast<std::uint32_t>(unit) - 0xD800) << 10) +
         (static_cast<std::uint32_t>(second) - 0xDC00);
}

// The value of up to `max` digits (base 10 or 16) from in[i], stopping at the
// first non-digit; `end` is where they stop. Saturates instead of overflowing.
std::uint32_t digits_value(std::string_view in, std::size_t i, bool hex, std::size_t& end) {
  std::uint32_t value = 0;
  end = i;
  while (end < in.size() && (hex ? is_hex(in[end]) : (in[end] >= '0' && in[end] <= '9'))) {
    value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + hex_value(in[end]);
    ++end;
  }
  return value;
}

const HtmlEntity* find_entity(std::string_view name) {
  for (std::size_t k = 0; k < kHtmlEntityCount; ++k) {
    if (name == kHtmlEntities[k].name) return &kHtmlEntities[k];
  }
  return nullptr;
}

// The character reference at in[i] ('&'): appends it and returns its end, or
// returns i when it is not one. &#0; is a NUL, as %00 and \u0000 are here:
// browsers and Python's html.unescape read U+FFFD, which harms nothing, but
// Java's unescapeHtml4 and ModSecurity's htmlEntityDecode hand the origin the
// NUL a null-byte injection needs, so that is the reading to inspect.
std::size_t html_reference(std::string_view in, std::size_t i, std::string& out) {
  std::size_t j = i + 1;
  if (j < in.size() && in[j] == '#') {
    const bool hex = j + 1 < in.size() && (in[j + 1] == 'x' || in[j + 1] == 'X');
    std::size_t end = 0;
    const std::uint32_t cp = digits_value(in, j + (hex ? 2 : 1), hex, end);
    if (end == j + (hex ? 2 : 1)) return i;  // no digits
    append_utf8(out, cp);
    return end < in.size() && in[end] == ';' ? end + 1 : end;
  }
  while (j < in.size() && j - i <= 32 && is_alnum(in[j])) ++j;
  const HtmlEntity* entity = find_entity(in.substr(i + 1, j - i - 1));
  if (entity == nullptr) return i;
  const bool semicolon = j < in.size() && in[j] == ';';
  if (!semicolon && !entity->legacy) return i;
  out.append(entity->value);
  return semicolon ? j + 1 : j;
}

// The JavaScript escape at in[i] ('\\'): appends it and returns its end;
// `hiding` is set for the escapes that can hide a character (\u, \x, octal).
std::size_t js_escape(std::string_view in, std::size_t i, std::string& out, bool& hiding) {
  if (i + 1 >= in.size()) return i;
  const char c = in[i + 1];
  if (c == 'u' && i + 2 < in.size() && in[i + 2] == '{') {
    std::size_t end = 0;
    const std::uint32_t cp = digits_value(in, i + 3, true, end);
    if (end == i + 3 || end >= in.size() || in[end] != '}') return i;
    append_utf8(out, cp);
    hiding = true;
    return end + 1;
  }
  const long unit = c == 'u' ? hex_digits(in, i + 2, 4) : c == 'x' ? hex_digits(in, i + 2, 2) : -1;
  if (unit >= 0) {
    std::size_t next = i + (c == 'u' ? 6 : 4);
    append_utf8(out, join_surrogates(unit, next, [&](std::size_t at, std::size_t& end) {
                  if (at + 1 >= in.size() || in[at] != '\\' || in[at + 1] != 'u') return -1L;
                  end = at + 6;
                  return hex_digits(in, at + 2, 4);
                }));
    hiding = true;
    return next;
  }
  if (c >= '0' && c <= '7') {
    std::size_t end = i + 2;
    unsigned value = static_cast<unsigned>(c - '0');
    while (end < in.size() && end < i + 4 && in[end] >= '0' && in[end] <= '7' &&
           value * 8 + static_cast<unsigned>(in[end] - '0') <= 0377) {
      value = value * 8 + static_cast<unsigned>(in[end++] - '0');
    }
    append_utf8(out, value);
    hiding = true;
    return end;
  }
  static constexpr char kFrom[] = "bfnrtv";
  static constexpr char kTo[] = "\b\f\n\r\t\v";
  const char* simple = std::strchr(kFrom, c);
  out.push_back(simple != nullptr && c != '\0' ? kTo[simple - kFrom] : c);
  return i + 2;
}

// The URL escape at in[i] ('%'): appends it and returns its end, or i.
std::size_t url_escape(std::string_view in, std::size_t i, std::string& out, DecoderSet& used) {
  if (i + 1 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U')) {
    const long unit = hex_digits(in, i + 2, 4);
    if (unit < 0) return i;
    std::size_t next = i + 6;
    append_utf8(out, join_surrogates(unit, next, [&](std::size_t at, std::size_t& end) {
                  if (at + 1 >= in.size() || in[at] != '%' || (in[at + 1] | 0x20) != 'u')
                    return -1L;
                  end = at + 6;
                  return hex_digits(in, at + 2, 4);
                }));
    used |= bit(Decoder::url_unicode);
    return next;
  }
  const long byte = hex_digits(in, i + 1, 2);
  if (byte < 0) return i;
  out.push_back(static_cast<char>(byte));
  used |= bit(Decoder::url);
  return i + 3;
}

// Runs `escape` at every `marker` of `in`, copying the rest.
template <typename Escape>
bool decode_escapes(std::string_view in, std::string& out, char marker, Escape escape) {
  if (in.find(marker) == std::string_view::npos) return false;
  out.clear();
  std::size_t kept = 0;
  bool any = false;
  for (std::size_t i = in.find(marker); i != std::string_view::npos; i = in.find(marker, i)) {
    out.append(in.data() + kept, i - kept);
    const std::size_t end = escape(i);
    if (end == i) {
      out.push_back(marker);
      ++i;
    } else {
      any = true;
      i = end;
    }
    kept = i;
  }
  out.append(in.data() + kept, in.size() - kept);
  return any;
}

}  // namespace

DecoderSet url(std::string_view in, std::string& out) {
  DecoderSet used = 0;
  decode_escapes(in, out, '%', [&](std::size_t i) { return url_escape(in, i, out, used); });
  return used;
}

DecoderSet html(std::string_view in, std::string& out) {
  const bool any =
      decode_escapes(in, out, '&', [&](std::size_t i) { return html_reference(in, i, out); });
  return any ? bit(Decoder::html) : 0;
}

// Simple escapes (\n, \', \\) are decoded along but do not make a view on
// their own: they hide nothing.
DecoderSet js(std::string_view in, std::string& out) {
  bool hiding = false;
  decode_escapes(in, out, '\\', [&](std::size_t i) { return js_escape(in, i, out, hiding); });
  return hiding ? bit(Decoder::js) : 0;
}

}  // namespace centinela::decode::layer
