// Rules every centinela engine runs before the configured files: a request
// body the gateway could not read as its Content-Type says (invalid JSON,
// broken multipart, a body beyond the parsers' bounds) is an evasion — the
// WAF would inspect nothing of it, the origin may still parse it — so it is a
// critical finding, as libmodsecurity's recommended configuration (rules
// 200002 and 200003) makes it.
#pragma once

#include <cstdint>

#include "seclang/parse.h"

namespace centinela::waf {

// Whether `id` is one of the built-in rules (their findings are centinela's,
// not CRS's, in incidents).
constexpr bool is_builtin_rule(std::uint32_t id) { return id == 200002 || id == 200003; }

// The built-in rules, parsed ("centinela:builtin.conf:LINE" in reports).
seclang::ParseResult builtin_rules();
// Their SecLang text (the modsecurity engine loads it into libmodsecurity).
std::string_view builtin_rules_text();

// `files` parsed, after the built-in rules.
seclang::ParseResult parse_with_builtin_rules(std::span<const std::string> files);

}  // namespace centinela::waf
