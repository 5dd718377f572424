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

}  // namespace centinela::waf
