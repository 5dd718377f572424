// Recursive descent over the PCRE2 syntax (pcre2pattern(3)), byte mode.
// Recursion follows group nesting only, which is bounded by kMaxNesting.
#include "pattern/parser.h"

namespace centinela::pattern {

ParseResult parse(std::string_view pcre) {
  if (pcre.size() > kMaxPatternBytes) {
    ParseResult result;
    result.error = "pattern longer than " + std::to_string(kMaxPatternBytes) + " bytes";
    return result;
  }
  return detail::Parser(pcre).run();
}

}  // namespace centinela::pattern
