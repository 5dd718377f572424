#include "waf/xml_text.h"

#include <cstdint>

namespace centinela::waf {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
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

// At '&': appends the character a reference stands for, or the '&' itself
// when it is none; returns the bytes consumed.
std::size_t append_reference(std::string_view text, std::string& out) {
  const std::size_t semicolon = text.find(';');
  if (semicolon == std::string_view::npos || semicolon > 12) {
    out.push_back('&');
    return 1;
  }
  const std::string_view name = text.substr(1, semicolon - 1);
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out.push_back(c);
      return semicolon + 1;
    }
  }
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    std::uint32_t cp = 0;
    bool ok = name.size() > (hex ? 2u : 1u);
    for (char c : name.substr(hex ? 2 : 1)) {
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) ok = false;
      if (ok) cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    if (ok && cp > 0 && cp <= 0x10FFFF) {
      append_utf8(out, cp);
      return semicolon + 1;
    }
  }
  out.push_back('&');
  return 1;
}

}  // namespace

XmlText xml_text(std::string_view body, bool complete, std::string& out) {
  XmlText result;
  bool element = false;
  std::size_t p = 0;
  while (p < body.size()) {
    const char c = body[p];
    if (c == '&') {
      p += append_reference(body.substr(p), out);
      continue;
    }
    if (c != '<') {
      out.push_back(c);
      ++p;
      continue;
    }
    std::string_view close = ">";
    std::size_t open = 1;
    if (body.substr(p).starts_with("<![CDATA[")) {
      const std::size_t end = body.find("]]>", p + 9);
      out.append(body.substr(p + 9, end == std::string_view::npos ? end : end - p - 9));
      if (end == std::string_view::npos) {
        p = body.size();
        if (complete) result = {true, "unterminated CDATA section"};
        break;
      }
      p = end + 3;
      continue;
    }
    if (body.substr(p).starts_with("<!--")) {
      close = "-->";
      open = 4;
    } else if (body.substr(p).starts_with("<?")) {
      close = "?>";
      open = 2;
    } else if (p + 1 < body.size() && body[p + 1] != '!' && body[p + 1] != '/') {
      element = true;
    }
    const std::size_t end = body.find(close, p + open);
    if (end == std::string_view::npos) {
      if (complete) result = {true, "markup left open at the end of the body"};
      break;
    }
    p = end + close.size();
  }
  if (complete && !result.error && !element) result = {true, "no element in the XML body"};
  return result;
}

XmlTag xml_tag_at(std::string_view body, std::size_t pos) {
  const std::string_view rest = body.substr(pos);
  std::string_view close = ">";
  if (rest.starts_with("<![CDATA[")) {
    close = "]]>";
  } else if (rest.starts_with("<!--")) {
    close = "-->";
  }
  const std::size_t end = body.find(close, pos + 1);
  const bool element = rest.size() > 1 && rest[1] != '!' && rest[1] != '/' && rest[1] != '?';
  return {end == std::string_view::npos ? end : end + close.size() - 1, element};
}

}  // namespace centinela::waf
