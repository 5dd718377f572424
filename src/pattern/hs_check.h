// Whether Hyperscan takes one expression as ModSecurity's @rx means it
// (HS_FLAG_DOTALL | HS_FLAG_MULTILINE, block mode). Internal to analyse().
#pragma once

#include <string>
#include <string_view>

namespace centinela::pattern::detail {

struct HsCheck {
  bool ok = false;
  bool too_large = false;  // refused for its size, not its syntax
  std::string error;
};

HsCheck hs_check(std::string_view expression, bool prefilter);

}  // namespace centinela::pattern::detail
