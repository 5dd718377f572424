// The two halves of analyse(), so the cached variant can skip the second.
// Internal.
#pragma once

#include <string_view>

#include "pattern/analysis.h"

namespace centinela::pattern::detail {

// PCRE2's verdict and group count, the parse and what the AST gives.
// False (analysis.error set) when PCRE2 refuses the pattern.
bool analyse_syntax(std::string_view pcre, Analysis& analysis, ParseResult& parsed);

// form, pieces and hs_error, by compiling with Hyperscan.
void decide_form(std::string_view pcre, const ParseResult& parsed, Analysis& analysis);

}  // namespace centinela::pattern::detail
