#include <algorithm>
#include <array>
#include <initializer_list>
#include <iterator>
#include <optional>

#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "detect/html_text.h"
#include "detect/xss_parts.h"

namespace centinela::detect {
namespace {

// Tags that run script or load a document by themselves; sorted by name.
constexpr std::string_view kScriptTags[] = {
    "tag:applet", "tag:base",   "tag:bgsound", "tag:embed",   "tag:frame",    "tag:frameset",
    "tag:iframe", "tag:ilayer", "tag:import",  "tag:isindex", "tag:layer",    "tag:math",
    "tag:object", "tag:portal", "tag:script",  "tag:svg",     "tag:vmlframe", "tag:xml",
};

// Attributes whose value a browser loads or navigates to.
constexpr std::string_view kUrlAttributes[] = {
    "action",  "background", "by",     "cite", "classid",  "codebase", "data",       "dynsrc",
    "folder",  "formaction", "from",   "href", "longdesc", "lowsrc",   "ping",       "poster",
    "profile", "src",        "srcset", "to",   "usemap",   "values",   "xlink:href",
};

bool is_blank(char c) { return static_cast<unsigned char>(c) <= 0x20; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A name, lower-cased into `buffer`; empty when longer than it.
template <std::size_t N>
std::string_view lower_name(std::string_view name, std::array<char, N>& buffer) {
  if (name.size() > N) return {};
  for (std::size_t i = 0; i < name.size(); ++i) buffer[i] = lower(name[i]);
  return {buffer.data(), name.size()};
}

std::optional<std::string_view> script_tag(std::string_view name) {
  const std::size_t colon = name.rfind(':');  // <x:script>
  if (colon != std::string_view::npos) name = name.substr(colon + 1);
  for (std::string_view tag : kScriptTags) {
    if (tag.substr(4) == name) return tag;
  }
  return std::nullopt;
}

bool is_url_attribute(std::string_view name) {
  return std::find(std::begin(kUrlAttributes), std::end(kUrlAttributes), name) !=
         std::end(kUrlAttributes);
}

// A URL whose host is an IPv4 address written so a filter does not read it
// as one: one integer (http://1113982867/), hexadecimal or octal parts
// (0x42.0x0000066…, 0102.0146…). Browsers resolve them all; no link
// written for people spells an address that way.
bool hides_ip_address(std::string_view url) {
  std::size_t at = 0;
  for (std::string_view scheme : {"http://", "https://", "//"}) {
    if (html_starts_with(url, scheme)) {
      at = scheme.size();
      break;
    }
  }
  if (at == 0 || url.substr(0, at).find('&') != std::string_view::npos) return false;
  std::size_t end = at;
  while (end < url.size() && url[end] != '/' && url[end] != ':' && url[end] != '?' &&
         url[end] != '#') {
    ++end;
  }
  const std::string_view host = url.substr(at, end - at);
  if (host.empty() || host.size() > 40) return false;
  bool hidden = host.find('.') == std::string_view::npos && host.size() >= 8;  // one integer
  std::size_t part = 0;
  for (std::size_t i = 0; i <= host.size(); ++i) {
    if (i < host.size() && host[i] != '.') {
      const char c = lower(host[i]);
      const bool hex = i > part + 1 && lower(host[part + 1]) == 'x' && host[part] == '0';
      if (!((c >= '0' && c <= '9') || (c == 'x' && i == part + 1) ||
            (hex && c >= 'a' && c <= 'f'))) {
        return false;
      }
      continue;
    }
    if (i == part) return false;                             // an empty part
    hidden = hidden || (host[part] == '0' && i > part + 1);  // 0x… or 0…: no decimal
    part = i + 1;
  }
  return hidden;
}

bool contains_lower(std::string_view text, std::string_view lower_word) {
  return css_contains(text, lower_word);  // case-insensitive, blanks skipped
}

// What one attribute of tag `tag` makes of it, if it runs script.
std::optional<std::string_view> check_attribute(std::string_view tag, std::string_view name,
                                                std::string_view value, bool has_value) {
  if (!has_value) return std::nullopt;
  if (name.size() >= 5 && name.starts_with("on") &&
      std::all_of(name.begin(), name.end(), [](char c) { return is_letter(c); })) {
    return "attr:on";
  }
  if (name == "srcdoc") return "attr:srcdoc";
  // IE's data binding renders a data source's field as HTML.
  if (name == "dataformatas") return "attr:dataformatas";
  // CSS that runs script or pulls in code (IE's expression() and behaviors,
  // Mozilla's bindings, imported sheets).
  if (name == "style") {
    for (std::string_view css :
         {"expression(", "javascript:", "behavior:", "behaviour:", "binding:", "@import"}) {
      if (css_contains(value, css)) return "attr:style";
    }
  }
  if (auto url = scripting_url(value, is_url_attribute(name))) return url;
  if (is_url_attribute(name) && hides_ip_address(value)) return "url:ip";
  // http-equiv: refresh, set-cookie, a Link to a style sheet, a UTF-7
  // content type: nothing a value should set for the page.
  if (tag == "meta" && name == "http-equiv") return "tag:meta";
  if (tag == "form" && name == "action") return "tag:form";
  if (tag == "link" && name == "rel" &&
      (contains_lower(value, "import") || contains_lower(value, "stylesheet"))) {
    return "tag:link";
  }
  return std::nullopt;
}

struct TagResult {
  std::size_t end;  // where scanning goes on
  std::optional<std::string_view> label;
};

// The attributes of a tag from `at` (after its name) to its '>' or the end.
TagResult scan_attributes(std::string_view text, std::size_t at, std::string_view tag) {
  while (at < text.size()) {
    while (at < text.size() && (is_blank(text[at]) || text[at] == '/')) ++at;
    if (at >= text.size()) break;
    if (text[at] == '>') return {at + 1, std::nullopt};
    const std::size_t name_start = at++;
    while (at < text.size() && !is_blank(text[at]) && text[at] != '/' && text[at] != '>' &&
           text[at] != '=') {
      ++at;
    }
    const std::string_view raw_name = text.substr(name_start, at - name_start);
    while (at < text.size() && is_blank(text[at])) ++at;
    bool has_value = false;
    std::string_view value;
    if (at < text.size() && text[at] == '=') {
      has_value = true;
      ++at;
      while (at < text.size() && is_blank(text[at])) ++at;
      const char quote = at < text.size() ? text[at] : 0;
      if (quote == '"' || quote == '\'' || quote == '`') {
        const std::size_t close = text.find(quote, at + 1);
        const std::size_t end = close == std::string_view::npos ? text.size() : close;
        value = text.substr(at + 1, end - at - 1);
        at = std::min(end + 1, text.size());
      } else {
        const std::size_t start = at;
        while (at < text.size() && !is_blank(text[at]) && text[at] != '>') ++at;
        value = text.substr(start, at - start);
      }
    }
    std::array<char, 40> buffer;
    const std::string_view name = lower_name(raw_name, buffer);
    if (auto label = check_attribute(tag, name, value, has_value)) return {at, label};
  }
  return {text.size(), std::nullopt};
}

// One tag starting at text[at] == '<'.
TagResult scan_tag(std::string_view text, std::size_t at, bool& style_checked) {
  std::size_t i = at + 1;
  const bool closing = i < text.size() && text[i] == '/';
  if (closing) ++i;
  if (i >= text.size() || !is_letter(text[i])) {
    const std::string_view rest = text.substr(at);
    if (rest.starts_with("<!-->") || rest.starts_with("<!--->")) {
      return {at + 4, std::nullopt};  // an empty comment: what follows is markup
    }
    if (rest.starts_with("<!--")) {
      const std::size_t close = text.find("-->", at + 4);
      return {close == std::string_view::npos ? text.size() : close + 3, std::nullopt};
    }
    // Processing instructions that load code (IE's <?import>, style sheets).
    if (rest.starts_with("<?")) {
      std::array<char, 16> buffer;
      const std::string_view target = lower_name(rest.substr(2, 14), buffer);
      if (target.starts_with("import") || target.starts_with("xml-stylesheet")) {
        return {at + 2, "tag:?import"};
      }
    }
    return {at + 1, std::nullopt};
  }
  const std::size_t name_start = i;
  while (i < text.size() && !is_blank(text[i]) && text[i] != '/' && text[i] != '>') ++i;
  std::array<char, 16> buffer;
  const std::string_view name = lower_name(text.substr(name_start, i - name_start), buffer);
  if (closing) {
    // </script> in a value closes the page's own script block.
    return {i, name == "script" ? std::optional<std::string_view>("tag:/script") : std::nullopt};
  }
  // A frame is another page in its own origin: script only through its
  // attributes (a javascript: or data: src, srcdoc, handlers), which
  // scan_attributes reads; an embedded video (https src) is content.
  if (name == "iframe" || name == "frame") return scan_attributes(text, i, name);
  if (auto tag = script_tag(name)) return {i, tag};
  TagResult result = scan_attributes(text, i, name);
  if (!result.label && name == "style" && !style_checked) {
    style_checked = true;  // the rest of the text once: linear
    for (std::string_view css :
         {"expression(", "javascript:", "behavior:", "-moz-binding", "@import"}) {
      if (css_contains(text.substr(result.end), css)) return {text.size(), "tag:style"};
    }
  }
  return result;
}

std::optional<XssFinding> scan_markup(std::string_view text) {
  std::size_t at = text.find('<');
  bool style_checked = false;
  while (at != std::string_view::npos && at < text.size()) {
    TagResult result = scan_tag(text, at, style_checked);
    if (result.label) return XssFinding{*result.label, at, result.end};
    at = text.find('<', std::max(result.end, at + 1));
  }
  return std::nullopt;
}

bool is_identifier_char(char c) {
  return is_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// Words of a sentence after a script scheme ("javascript: void(0) error
// chrome", a search for an error message): two names side by side with
// only spaces between them, the first no JavaScript keyword, are a syntax
// error as script. Comments, strings and line breaks (where JavaScript
// inserts semicolons) keep it script.
bool reads_as_prose(std::string_view rest) {
  if (rest.find_first_of("\n\r'\"`/") != std::string_view::npos) return false;
  static constexpr std::string_view kKeywords[] = {
      "await", "case", "const", "delete", "do",    "else",   "function", "in",   "instanceof",
      "let",   "new",  "of",    "return", "throw", "typeof", "var",      "void", "yield"};
  std::size_t i = 0;
  std::string_view previous;  // the last name, when only spaces followed it
  while (i < rest.size()) {
    if (is_identifier_char(rest[i])) {
      const std::size_t start = i;
      while (i < rest.size() && is_identifier_char(rest[i])) ++i;
      const std::string_view word = rest.substr(start, i - start);
      if (!previous.empty() &&
          std::find(std::begin(kKeywords), std::end(kKeywords), previous) == std::end(kKeywords)) {
        return true;
      }
      previous = word;
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
      continue;
    }
    previous = {};
    ++i;
  }
  return false;
}

}  // namespace

std::optional<Detection> detect_xss(std::string_view value) {
  if (value.size() > UINT32_MAX || !kXssGate.any_in(value)) return std::nullopt;
  std::optional<XssFinding> finding = scan_markup(value);
  if (!finding) {
    // A whole value that is a script URL (a redirect target, a link).
    if (auto url = scripting_url(value, false);
        url && !reads_as_prose(value.substr(std::min(value.find(':') + 1, value.size())))) {
      finding = XssFinding{*url, 0, value.size()};
    } else if (html_starts_with(value, "data:text/html")) {
      finding = XssFinding{"url:data", 0, value.size()};
    }
  }
  if (!finding) finding = scan_script_text(value);
  if (!finding) return std::nullopt;
  return Detection{Kind::xss, finding->label, static_cast<std::uint32_t>(finding->begin),
                   static_cast<std::uint32_t>(finding->end)};
}

}  // namespace centinela::detect
