// Distributing a pattern over one of its alternations: P = a(?:B1|B2|…)c
// matches exactly when one of aB1c, aB2c, … does. Hyperscan refuses the
// largest CRS patterns whole (the command tries of 932100/932105/932150)
// but takes each piece. Internal to analyse().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"

namespace centinela::pattern::detail {

// Alternations reachable from the root through concatenations, plain
// (non-atomic) groups and {1} repeats only, where distribution keeps the
// meaning; largest source span first. None when the pattern has back
// references (pieces renumber groups).
std::vector<std::uint32_t> split_candidates(const Ast& ast);

// The pattern text with alternation `index` replaced by each branch in
// turn. Empty when a branch sets options inline: (?i) in one branch holds
// for the later ones, which a piece would lose.
std::vector<std::string> distribute(std::string_view pcre, const Ast& ast, std::uint32_t index);

}  // namespace centinela::pattern::detail
