#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "detect/html_text.h"
#include "detect/xss_parts.h"

namespace centinela::detect {
namespace {

bool is_identifier(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' ||
         b == '$';
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// A call: '(' or a tagged template's '`', also written as a reference
// (alert&lpar;1&rpar;).
bool opens_call(std::string_view text, std::size_t at) {
  if (at >= text.size()) return false;
  if (text[at] == '(' || text[at] == '`') return true;
  std::size_t length;
  const std::uint32_t c = decode_html_reference(text, at, length);
  return c == '(' || c == '`';
}

// A function passed around rather than called: a=alert,a(1); (alert)(1);
// [1].find(alert).
bool passed_as_value(std::string_view text, std::size_t start, std::size_t after) {
  const char before = start > 0 ? text[start - 1] : 0;
  const char next = after < text.size() ? text[after] : 0;
  return (before == '=' || before == '(' || before == ',' || before == '[') &&
         (next == ')' || next == ',' || next == ';' || next == ']');
}

bool assigns(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at < text.size() && text[at] == '=' && (at + 1 >= text.size() || text[at + 1] != '=');
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// What the identifier path `name` (lower-case, dotted) followed by
// text[after] does, if it is script reaching for the page.
std::optional<std::string_view> classify(std::string_view name, std::string_view text,
                                         std::size_t start, std::size_t after) {
  const std::size_t dot = name.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
  static constexpr std::string_view kCalled[] = {
      "js:alert",      "js:prompt",      "js:confirm",    "js:eval",
      "js:settimeout", "js:setinterval", "js:execscript", "js:fromcharcode"};
  if (opens_call(text, after) || passed_as_value(text, start, after)) {
    for (std::string_view sink : kCalled) {
      if (last == sink.substr(3)) return sink;
    }
    if (ends_with(name, "document.write") || ends_with(name, "document.writeln")) {
      return "js:document.write";
    }
  }
  if (ends_with(name, "document.cookie") || ends_with(name, "document.domain"))
    return "js:document.cookie";
  if (last == "location" && assigns(text, after)) return "js:location=";
  if (after < text.size() && text[after] == '[') {
    static constexpr std::string_view kGlobals[] = {"window", "top",    "self",
                                                    "parent", "frames", "globalthis"};
    for (std::string_view global : kGlobals) {
      if (name == global) return "js:window[";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> scripting_url(std::string_view value, bool data_too) {
  static constexpr std::string_view kSchemes[] = {
      "javascript:", "vbscript:", "livescript:", "mocha:",
      "mhtml:"};  // IE: a page from a MIME archive, served as HTML from anywhere
  for (std::string_view scheme : kSchemes) {
    if (html_starts_with(value, scheme)) return "url:script";
  }
  if (!data_too || !html_starts_with(value, "data:")) return std::nullopt;
  static constexpr std::string_view kImages[] = {"data:image/png",  "data:image/gif",
                                                 "data:image/jpeg", "data:image/jpg",
                                                 "data:image/webp", "data:image/avif"};
  for (std::string_view image : kImages) {
    if (html_starts_with(value, image)) return std::nullopt;
  }
  return "url:data";
}

std::optional<XssFinding> scan_script_text(std::string_view text) {
  std::array<char, 48> name;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_identifier(text[i]) || (i > 0 && is_identifier(text[i - 1]))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    std::size_t n = 0;
    while (i < text.size() && (is_identifier(text[i]) || text[i] == '.')) {
      if (n < name.size()) name[n] = lower(text[i]);
      ++n;
      ++i;
    }
    if (n > name.size()) continue;
    if (const auto label = classify({name.data(), n}, text, start, i)) {
      return XssFinding{*label, start, i};
    }
  }
  return std::nullopt;
}

}  // namespace centinela::detect
