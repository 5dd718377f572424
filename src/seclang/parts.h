// The three arguments of a SecRule: its variables, its operator and its
// actions. Each returns false when it reported an error.
#pragma once

#include <cstddef>
#include <vector>

#include "seclang/ast.h"
#include "seclang/context.h"
#include "seclang/words.h"

namespace centinela::seclang::detail {

// `ARGS|!REQUEST_COOKIES:/__utm/|&TX:foo|REQUEST_HEADERS:'User-Agent'`
bool parse_variables(const Word& word, const LineContext& context, std::vector<Variable>& out);

// `!@rx pattern`, `@detectSQLi`, or a bare pattern (`@rx`).
bool parse_operator(const Word& word, const LineContext& context, Operator& out);

// `id:1,phase:2,msg:'a, b',t:none`. `offsets` gets the line offset of each
// action's name, for errors about it later.
bool parse_actions(const Word& word, const LineContext& context, std::vector<Action>& out,
                   std::vector<std::size_t>& offsets);

}  // namespace centinela::seclang::detail
