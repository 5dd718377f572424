#include "observe/json_escape.h"

#include "observe/utf8.h"

namespace centinela::observe {
namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x7F; }

void append_unicode_escape(std::string& out, unsigned code) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escape[6] = {'\\',
                          'u',
                          kHex[(code >> 12) & 0xF],
                          kHex[(code >> 8) & 0xF],
                          kHex[(code >> 4) & 0xF],
                          kHex[code & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

void append_json_escaped(std::string& out, std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Copy the run of plain ASCII in one go: the common case for log fields.
    std::size_t run = pos;
    while (run < text.size() && !needs_escape(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text.data() + pos, run - pos);
    pos = run;
    if (pos == text.size()) break;

    const auto c = static_cast<unsigned char>(text[pos]);
    switch (c) {
      case '"':
        out.append("\\\"");
        ++pos;
        continue;
      case '\\':
        out.append("\\\\");
        ++pos;
        continue;
      case '\n':
        out.append("\\n");
        ++pos;
        continue;
      case '\r':
        out.append("\\r");
        ++pos;
        continue;
      case '\t':
        out.append("\\t");
        ++pos;
        continue;
      case '\b':
        out.append("\\b");
        ++pos;
        continue;
      case '\f':
        out.append("\\f");
        ++pos;
        continue;
      default:
        break;
    }
    if (c < 0x80) {  // other control characters and DEL
      append_unicode_escape(out, c);
      ++pos;
      continue;
    }
    // U+2028 / U+2029 (E2 80 A8 / E2 80 A9) are line terminators in JavaScript.
    if (c == 0xE2 && text.size() - pos >= 3 && static_cast<unsigned char>(text[pos + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[pos + 2]) & 0xFE) == 0xA8) {
      append_unicode_escape(out, 0x2028 | (static_cast<unsigned char>(text[pos + 2]) & 1));
      pos += 3;
      continue;
    }
    pos += append_utf8_or_replacement(out, text, pos);
  }
}

void append_json_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out.append("null");
  } else {
    append_json_string(out, text);
  }
}

}  // namespace centinela::observe
