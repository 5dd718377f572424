#include "detect/html_text.h"

#include <algorithm>
#include <iterator>

namespace centinela::detect {
namespace {

struct NamedReference {
  std::string_view name;
  char value;
};

// The references that spell script: schemes, calls and quotes; sorted.
constexpr NamedReference kNamed[] = {
    {"amp", '&'},    {"apos", '\''},  {"bsol", '\\'},  {"colon", ':'}, {"comma", ','},
    {"equals", '='}, {"excl", '!'},   {"grave", '`'},  {"gt", '>'},    {"lowbar", '_'},
    {"lpar", '('},   {"lsqb", '['},   {"lt", '<'},     {"nbsp", ' '},  {"newline", '\n'},
    {"num", '#'},    {"percnt", '%'}, {"period", '.'}, {"plus", '+'},  {"quot", '"'},
    {"rpar", ')'},   {"rsqb", ']'},   {"semi", ';'},   {"sol", '/'},   {"tab", '\t'},
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::uint32_t decode_numeric(std::string_view text, std::size_t at, std::size_t& length) {
  std::size_t i = at + 2;
  const bool hex = i < text.size() && lower(text[i]) == 'x';
  if (hex) ++i;
  const std::size_t digits_start = i;
  std::uint32_t value = 0;
  for (; i < text.size(); ++i) {
    const int digit =
        hex ? hex_value(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
    if (digit < 0) break;
    value = std::min<std::uint32_t>(value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit),
                                    0x110000);  // leading zeros may be many
  }
  if (i == digits_start) return 0;
  if (i < text.size() && text[i] == ';') ++i;
  length = i - at;
  return value == 0 ? 0xfffd : value;
}

}  // namespace

std::uint32_t decode_html_reference(std::string_view text, std::size_t at, std::size_t& length) {
  length = 1;
  if (at + 1 >= text.size() || text[at] != '&') return 0;
  if (text[at + 1] == '#') return decode_numeric(text, at, length);
  char name[8];
  std::size_t n = 0;
  std::size_t i = at + 1;
  for (; i < text.size() && n < sizeof name; ++i) {
    const char c = lower(text[i]);
    if (c < 'a' || c > 'z') break;
    name[n++] = c;
  }
  // Longest name first: "&lt" inside "&ltx" still reads as '<' (browsers
  // accept a few references without ';').
  for (; n > 1; --n) {
    const std::string_view key(name, n);
    const auto* it =
        std::lower_bound(std::begin(kNamed), std::end(kNamed), key,
                         [](const NamedReference& r, std::string_view k) { return r.name < k; });
    if (it != std::end(kNamed) && it->name == key) {
      std::size_t end = at + 1 + n;
      if (end < text.size() && text[end] == ';') ++end;
      length = end - at;
      return static_cast<unsigned char>(it->value);
    }
  }
  return 0;
}

std::int32_t HtmlCursor::next() {
  while (at_ < text_.size()) {
    std::uint32_t c = static_cast<unsigned char>(text_[at_]);
    std::size_t length = 1;
    if (c == '&') {
      const std::uint32_t decoded = decode_html_reference(text_, at_, length);
      if (decoded != 0) c = decoded;
    }
    at_ += length;
    if (skip_blank_ && c <= 0x20) continue;
    if (c >= 'A' && c <= 'Z') c += 32;
    return static_cast<std::int32_t>(c);
  }
  return -1;
}

bool html_starts_with(std::string_view text, std::string_view lower_prefix) {
  HtmlCursor cursor(text, true);
  for (const char expected : lower_prefix) {
    if (cursor.next() != static_cast<unsigned char>(expected)) return false;
  }
  return true;
}

bool css_contains(std::string_view text, std::string_view lower_word) {
  for (std::size_t start = 0; start < text.size(); ++start) {
    if (lower(text[start]) != lower_word[0]) continue;
    std::size_t i = start + 1;
    std::size_t matched = 1;
    // Bounded per start, so that the scan stays linear on hostile input.
    const std::size_t limit = std::min(text.size(), start + 256);
    while (matched < lower_word.size() && i < limit) {
      const char c = text[i];
      if (c == '\\' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0) {
        ++i;
      } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
        const std::size_t close = text.substr(0, limit).find("*/", i + 2);
        i = close == std::string_view::npos ? limit : close + 2;
      } else if (lower(c) == lower_word[matched]) {
        ++i;
        ++matched;
      } else {
        break;
      }
    }
    if (matched == lower_word.size()) return true;
  }
  return false;
}

}  // namespace centinela::detect
