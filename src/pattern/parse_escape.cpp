#include "pattern/parse_escape.h"

#include <cctype>

#include "pattern/byte_sets.h"

namespace centinela::pattern::detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Escape byte_escape(unsigned value) {
  Escape e;
  if (value > 0xff) {
    e.error = "character code above 0xff in byte mode";
    return e;
  }
  e.kind = Escape::Kind::byte;
  e.byte = static_cast<unsigned char>(value);
  return e;
}

Escape failure(std::string message) {
  Escape e;
  e.error = std::move(message);
  return e;
}

// \xhh, \x{h…}: pos is past the 'x'.
Escape hex_escape(std::string_view text, std::size_t& pos) {
  unsigned value = 0;
  if (pos < text.size() && text[pos] == '{') {
    std::size_t i = pos + 1;
    int digits = 0;
    while (i < text.size() && hex_value(text[i]) >= 0 && digits < 8) {
      value = value * 16 + static_cast<unsigned>(hex_value(text[i++]));
      ++digits;
    }
    if (digits == 0 || i >= text.size() || text[i] != '}') return failure("malformed \\x{...}");
    pos = i + 1;
    return byte_escape(value);
  }
  for (int digits = 0; digits < 2 && pos < text.size() && hex_value(text[pos]) >= 0; ++digits) {
    value = value * 16 + static_cast<unsigned>(hex_value(text[pos++]));
  }
  return byte_escape(value);
}

// Up to `max_digits` octal digits from pos.
Escape octal_escape(std::string_view text, std::size_t& pos, int max_digits) {
  unsigned value = 0;
  for (int digits = 0;
       digits < max_digits && pos < text.size() && text[pos] >= '0' && text[pos] <= '7'; ++digits) {
    value = value * 8 + static_cast<unsigned>(text[pos++] - '0');
  }
  return byte_escape(value);
}

Escape backref() {
  Escape e;
  e.kind = Escape::Kind::backref;
  return e;
}

// \g{n}, \g{-n}, \g{name}, \gn, \g-n, \k<name>, \k'name', \k{name}: pos is
// past the letter. Which group is referred to does not matter here.
Escape named_backref(std::string_view text, std::size_t& pos, char letter) {
  if (pos >= text.size()) return failure("malformed back reference");
  const char open = text[pos];
  const char close = open == '{' ? '}' : open == '<' ? '>' : open == '\'' ? '\'' : '\0';
  if (letter == 'g' && open == '<') return failure("subroutine call \\g<…> not supported");
  if (close == '\0') {
    if (letter != 'g') return failure("malformed \\k back reference");
    std::size_t i = pos + (text[pos] == '-' || text[pos] == '+' ? 1 : 0);
    const std::size_t digits_from = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == digits_from) return failure("malformed \\g back reference");
    pos = i;
    return backref();
  }
  const std::size_t end = text.find(close, pos + 1);
  if (end == std::string_view::npos || end == pos + 1) return failure("malformed back reference");
  pos = end + 1;
  return backref();
}

// \1…\9…: a back reference, or an octal byte when the number is 10 or more,
// starts with neither 8 nor 9 and exceeds the groups opened so far.
Escape number_escape(std::string_view text, std::size_t& pos, int captures_so_far) {
  const std::size_t start = pos - 1;
  unsigned value = 0;
  std::size_t i = start;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && value < 100000) {
    value = value * 10 + static_cast<unsigned>(text[i++] - '0');
  }
  if (value < 10 || text[start] == '8' || text[start] == '9' ||
      value <= static_cast<unsigned>(captures_so_far)) {
    pos = i;
    return backref();
  }
  pos = start;
  return octal_escape(text, pos, 3);
}

Escape assertion(Assertion which) {
  Escape e;
  e.kind = Escape::Kind::assertion;
  e.assertion = which;
  return e;
}

Escape outside_class(char c, std::string_view text, std::size_t& pos, int captures_so_far) {
  switch (c) {
    case 'b':
      return assertion(Assertion::word_boundary);
    case 'B':
      return assertion(Assertion::not_word_boundary);
    case 'A':
      return assertion(Assertion::subject_start);
    case 'z':
      return assertion(Assertion::subject_end);
    case 'Z':
      return assertion(Assertion::subject_end_newline);
    case 'G':
      return assertion(Assertion::match_start);
    case 'g':
    case 'k':
      return named_backref(text, pos, c);
    default:
      return number_escape(text, pos, captures_so_far);
  }
}

}  // namespace

Escape read_escape(std::string_view text, std::size_t& pos, bool in_class, int captures_so_far) {
  ++pos;  // the backslash
  if (pos >= text.size()) return failure("\\ at end of pattern");
  const char c = text[pos++];
  switch (c) {
    case 'a':
      return byte_escape(0x07);
    case 'e':
      return byte_escape(0x1b);
    case 'f':
      return byte_escape(0x0c);
    case 'n':
      return byte_escape(0x0a);
    case 'r':
      return byte_escape(0x0d);
    case 't':
      return byte_escape(0x09);
    case 'x':
      return hex_escape(text, pos);
    case '0':
      return octal_escape(text, pos, 2);
    case 'o': {
      if (pos >= text.size() || text[pos] != '{') return failure("malformed \\o{...}");
      ++pos;
      Escape e = octal_escape(text, pos, 11);
      if (pos >= text.size() || text[pos] != '}') return failure("malformed \\o{...}");
      ++pos;
      return e;
    }
    case 'c': {
      if (pos >= text.size() || static_cast<unsigned char>(text[pos]) > 0x7e ||
          static_cast<unsigned char>(text[pos]) < 0x20) {
        return failure("\\c must be followed by a printable ASCII character");
      }
      const auto x =
          static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(text[pos++])));
      return byte_escape(x ^ 0x40u);
    }
    default:
      break;
  }
  if (in_class) {
    if (c == 'b') return byte_escape(0x08);
    if (c >= '1' && c <= '7') {
      --pos;
      return octal_escape(text, pos, 3);
    }
    if (c == 'R' || c == 'N') return failure("escape not allowed in a class");
  }
  if (const auto set = escape_class(c)) {
    Escape e;
    e.kind = Escape::Kind::set;
    e.set = *set;
    return e;
  }
  if (!in_class && (std::isdigit(static_cast<unsigned char>(c)) ||
                    std::string_view("bBAzZGgk").find(c) != std::string_view::npos)) {
    return outside_class(c, text, pos, captures_so_far);
  }
  if (std::isalnum(static_cast<unsigned char>(c))) {
    return failure(std::string("escape \\") + c + " not supported");
  }
  return byte_escape(static_cast<unsigned char>(c));
}

}  // namespace centinela::pattern::detail
