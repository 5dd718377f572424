#include "waf/operators.h"

#include "waf/text.h"

namespace centinela::waf {

namespace {

bool word_byte(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// @containsWord: the argument with no word character right before or after.
bool contains_word(std::string_view value, std::string_view word) {
  if (word.empty()) return true;
  for (std::size_t pos = value.find(word); pos != std::string_view::npos;
       pos = value.find(word, pos + 1)) {
    const std::size_t after = pos + word.size();
    if ((pos == 0 || !word_byte(value, pos - 1)) &&
        (after == value.size() || !word_byte(value, after))) {
      return true;
    }
  }
  return false;
}

bool hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The length of the UTF-8 character at `p`, or 0 when it is not valid.
std::size_t utf8_character(const unsigned char* p, std::size_t left) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t d = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    d = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    d = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0 && c < 0xF5) {
    len = 4;
    d = c & 0x07;
  } else {
    return 0;
  }
  if (left < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    d = (d << 6) | (p[i] & 0x3F);
  }
  if (d >= 0xD800 && d <= 0xDFFF) return 0;
  if ((len == 2 && d < 0x80) || (len == 3 && d < 0x800) || (len == 4 && d < 0x10000)) return 0;
  return len;
}

}  // namespace

bool compare(OpKind kind, std::string_view value, std::string_view argument) {
  switch (kind) {
    case OpKind::streq:
      return value == argument;
    case OpKind::contains:
    case OpKind::str_match:
      return value.find(argument) != std::string_view::npos;
    case OpKind::contains_word:
      return contains_word(value, argument);
    case OpKind::begins_with:
      return value.starts_with(argument);
    case OpKind::ends_with:
      return value.ends_with(argument);
    case OpKind::within:
      return value.empty() || argument.find(value) != std::string_view::npos;
    case OpKind::eq:
      return to_number(value) == to_number(argument);
    case OpKind::ge:
      return to_number(value) >= to_number(argument);
    case OpKind::gt:
      return to_number(value) > to_number(argument);
    case OpKind::lt:
      return to_number(value) < to_number(argument);
    case OpKind::le:
      return to_number(value) <= to_number(argument);
    default:
      return false;
  }
}

bool valid_url_encoding(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') continue;
    if (i + 2 >= value.size() || !hex(value[i + 1]) || !hex(value[i + 2])) return false;
    i += 2;
  }
  return true;
}

bool valid_utf8(std::string_view value) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_character(p + i, value.size() - i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace centinela::waf
