// The api profile's gates (program.h, Profile::api): which CRS rules count
// only where centinela's tokeniser of their kind confirms the value. Read by
// make_program (Rule::gate) and by RxMatcher::build, which gives the
// patterns of gated rules databases of their own (rx_matcher.h).
#pragma once

#include <cstdint>

#include "waf/rule.h"

namespace centinela::waf {

// The attack families that fire on benign API traffic — prose, search
// terms, HTML of a CMS field, a shell line in a post. Chosen on the train
// split of bench/waf's corpus: each blocks benign requests there; the other
// rules of the families block none (with code fences hidden) and keep CRS's
// semantics. unconditional: not gated.
constexpr OpKind api_gate(std::uint32_t id) {
  switch (id) {
    case 930110:  // "../" anywhere: relative links
      return OpKind::detect_path;
    case 932100:  // Unix command words after a separator
    case 932115:  // Windows command words
    case 932150:  // a bare Unix command at the start ("wget vs curl")
      return OpKind::detect_shell;
    case 941100:  // libinjection XSS
    case 941160:  // HTML tags (iframe, img in a CMS field)
    case 941170:  // attributes with script-like values
    case 941210:  // obfuscated javascript: (entities)
    case 941310:  // US-ASCII malformed encoding (UTF-8 prose)
      return OpKind::detect_xss;
    case 942100:  // libinjection SQLi
    case 942190:  // MSSQL code, "union select" in a sentence
    case 942360:  // concatenated SQL keywords ("select" + "from" in prose)
      return OpKind::detect_sqli;
    default:
      return OpKind::unconditional;
  }
}

}  // namespace centinela::waf
