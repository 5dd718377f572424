#include "pattern/byte_sets.h"

namespace centinela::pattern {
namespace {

ByteSet of(std::string_view bytes) {
  ByteSet set;
  for (unsigned char c : bytes) set.set(c);
  return set;
}

ByteSet digits() { return range_set('0', '9'); }
ByteSet lower() { return range_set('a', 'z'); }
ByteSet upper() { return range_set('A', 'Z'); }
ByteSet alpha() { return lower() | upper(); }
ByteSet word() { return alpha() | digits() | of("_"); }
// PCRE2 10.x counts VT (0x0b) as space, as Perl does since 5.18.
ByteSet space() { return of(" \t\n\v\f\r"); }
ByteSet horizontal() { return of("\t \xa0"); }
ByteSet vertical() { return of("\n\v\f\r\x85"); }

ByteSet punct() {
  ByteSet set;
  for (int c = 0x21; c < 0x7f; ++c) {
    if (!word().test(c) || c == '_') set.set(c);
  }
  return set;
}

}  // namespace

ByteSet range_set(unsigned char first, unsigned char last) {
  ByteSet set;
  for (unsigned c = first; c <= last; ++c) set.set(c);
  return set;
}

std::optional<ByteSet> escape_class(char letter) {
  switch (letter) {
    case 'd':
      return digits();
    case 'D':
      return ~digits();
    case 'w':
      return word();
    case 'W':
      return ~word();
    case 's':
      return space();
    case 'S':
      return ~space();
    case 'h':
      return horizontal();
    case 'H':
      return ~horizontal();
    case 'v':
      return vertical();
    case 'V':
      return ~vertical();
    // \R also matches the two bytes CR LF; for what the analysis asks (which
    // bytes a match holds, is it ever empty) its first byte stands for it.
    case 'R':
      return vertical();
    case 'N':
      return ~of("\n");
    default:
      return std::nullopt;
  }
}

std::optional<ByteSet> posix_class(std::string_view name) {
  if (name == "alpha") return alpha();
  if (name == "digit") return digits();
  if (name == "alnum") return alpha() | digits();
  if (name == "word") return word();
  if (name == "upper") return upper();
  if (name == "lower") return lower();
  if (name == "space") return space();
  if (name == "blank") return of(" \t");
  if (name == "punct") return punct();
  if (name == "xdigit") return digits() | range_set('a', 'f') | range_set('A', 'F');
  if (name == "cntrl") return range_set(0, 0x1f) | of("\x7f");
  if (name == "graph") return range_set(0x21, 0x7e);
  if (name == "print") return range_set(0x20, 0x7e);
  if (name == "ascii") return range_set(0, 0x7f);
  return std::nullopt;
}

ByteSet fold_case(ByteSet set) {
  for (int c = 'a'; c <= 'z'; ++c) {
    if (set.test(c) || set.test(c - 'a' + 'A')) {
      set.set(c);
      set.set(c - 'a' + 'A');
    }
  }
  return set;
}

}  // namespace centinela::pattern
