// ModSecurity's names (v3, plus Apache's IncludeOptional and the few v2
// names CRS-era files still use): directives, variables, operators, actions
// and transformations, matched case-insensitively as ModSecurity does.
#pragma once

#include <string_view>

namespace centinela::seclang::detail {

enum class NameKind { directive, variable, op, action, transformation };

// The canonical spelling of `name` (an alias gives its target: `pmf` →
// `pmFromFile`), or "" when ModSecurity does not know it. Operators without
// their '@'.
std::string_view canonical_name(NameKind kind, std::string_view name);

// The known name closest to an unknown one (a typo), or "".
std::string_view closest_name(NameKind kind, std::string_view name);

// Operators written without an argument (`@detectSQLi`).
bool operator_without_argument(std::string_view canonical);

// Actions that mean nothing without a value (`id`, `msg`, `t`, …).
bool action_needs_value(std::string_view canonical);

// Actions a chain's later links may not carry: the disruptive ones but
// `block` (ModSecurity 3 refuses exactly these there; it lets an id or a
// phase through, and ignores them).
bool action_only_on_chain_start(std::string_view canonical);

// "the directive", "the variable", … for messages.
std::string_view kind_word(NameKind kind);

}  // namespace centinela::seclang::detail
