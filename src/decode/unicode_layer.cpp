// Overlong UTF-8 and compatibility forms of ASCII: "\xc0\xbc" (an overlong
// '<') and U+FF1C (full-width '<') both become '<', as a lenient UTF-8
// decoder or a back end normalising to NFKC would read them.
#include <algorithm>

#include "decode/byte_set.h"
#include "decode/layers.h"
#include "decode/unicode_tables.h"

namespace centinela::decode::layer {
namespace {

struct Sequence {
  std::uint32_t cp = 0;
  std::size_t length = 0;  // 0: not a well-formed sequence (overlong allowed)
  bool overlong = false;
};

// The sequence led by in[i] (>= 0x80), read leniently: any lead from 0xC0 to
// 0xFD with its continuation bytes, including the forms UTF-8 forbids for
// being longer than needed.
Sequence read_sequence(std::string_view in, std::size_t i) {
  const auto lead = static_cast<unsigned char>(in[i]);
  std::size_t length = 0;
  if (lead >= 0xC0 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF7) {
    length = 4;
  } else if (lead >= 0xF8 && lead <= 0xFB) {
    length = 5;
  } else if (lead >= 0xFC && lead <= 0xFD) {
    length = 6;
  } else {
    return {};
  }
  if (i + length > in.size()) return {};
  std::uint32_t cp = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto c = static_cast<unsigned char>(in[i + k]);
    if ((c & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000};
  return {cp, length, cp < kShortest[length] || length > 4};
}

// The ASCII form of `cp`, or nullptr.
const char* ascii_form(std::uint32_t cp) {
  const AsciiForm* end = kAsciiForms + kAsciiFormCount;
  const AsciiForm* found = std::lower_bound(
      kAsciiForms, end, cp, [](const AsciiForm& f, std::uint32_t v) { return f.code_point < v; });
  return found != end && found->code_point == cp ? found->ascii : nullptr;
}

bool is_space_only(const char* ascii) {
  for (; *ascii != '\0'; ++ascii) {
    if (*ascii != ' ') return false;
  }
  return true;
}

}  // namespace

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

DecoderSet unicode(std::string_view in, std::string& out) {
  static constexpr ByteSet kHigh = [] {
    ByteSet set;
    set.add_range(0x80, 0xff);
    return set;
  }();
  if (!kHigh.any_in(in)) return 0;  // ASCII: nothing to rewrite
  out.clear();
  DecoderSet used = 0;
  bool visible = false;  // a change beyond spacing (NBSP and the like)
  std::size_t kept = 0;
  for (std::size_t i = 0; i < in.size();) {
    if (static_cast<unsigned char>(in[i]) < 0x80) {
      ++i;
      continue;
    }
    const Sequence s = read_sequence(in, i);
    if (s.length == 0) {
      ++i;  // a stray byte stays as it is
      continue;
    }
    const char* ascii = ascii_form(s.cp);
    if (!s.overlong && ascii == nullptr) {
      i += s.length;
      continue;
    }
    out.append(in.data() + kept, i - kept);
    if (ascii != nullptr) {
      out.append(ascii);
      used |= bit(Decoder::nfkc);
      visible = visible || !is_space_only(ascii);
    } else {
      append_utf8(out, s.cp);
    }
    if (s.overlong) {
      used |= bit(Decoder::overlong);
      visible = true;
    }
    i += s.length;
    kept = i;
  }
  if (!visible) return 0;
  out.append(in.data() + kept, in.size() - kept);
  return used;
}

}  // namespace centinela::decode::layer
