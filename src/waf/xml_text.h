// An XML body reduced to the text CRS reads as `XML:/*`: the character data
// of the document (what libxml2's content of the root element is), markup
// left out, CDATA kept, the predefined and numeric character references
// decoded. No XML parser: attributes, namespaces and DTDs are not
// interpreted, and only gross malformation is an error (a complete body with
// no element, or markup left open at its end).
#pragma once

#include <string>
#include <string_view>

namespace centinela::waf {

struct XmlText {
  bool error = false;
  std::string_view message;  // static text when error
};

// Appends the text of `body` to `out` (at most body.size() bytes).
XmlText xml_text(std::string_view body, bool complete, std::string& out);

// XML://@*: calls `each` with the value of every quoted attribute of the
// document's elements (`<a x="1" y='2'>`), as views into `body`, at most
// `limit` of them. Entities are left as written.
template <typename Each>
void xml_attribute_values(std::string_view body, std::size_t limit, Each&& each);

// The tag starting at `pos` ('<'), its end ('>') and whether it is an
// element's start tag; npos at the end of a cut body.
struct XmlTag {
  std::size_t end = std::string_view::npos;
  bool element = false;
};
XmlTag xml_tag_at(std::string_view body, std::size_t pos);

template <typename Each>
void xml_attribute_values(std::string_view body, std::size_t limit, Each&& each) {
  std::size_t count = 0;
  for (std::size_t pos = body.find('<'); pos != std::string_view::npos && count < limit;
       pos = body.find('<', pos + 1)) {
    const XmlTag tag = xml_tag_at(body, pos);
    if (tag.end == std::string_view::npos) return;
    if (!tag.element) {
      pos = tag.end;
      continue;
    }
    for (std::size_t eq = body.find('=', pos); eq < tag.end && count < limit;) {
      std::size_t open = eq + 1;
      while (open < tag.end && (body[open] == ' ' || body[open] == '\t')) ++open;
      if (open >= tag.end || (body[open] != '"' && body[open] != '\'')) {
        eq = body.find('=', eq + 1);
        continue;
      }
      const std::size_t close = body.find(body[open], open + 1);
      if (close >= tag.end) break;
      each(body.substr(open + 1, close - open - 1));
      ++count;
      eq = body.find('=', close + 1);
    }
    pos = tag.end;
  }
}

}  // namespace centinela::waf
