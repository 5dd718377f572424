// Rules every centinela engine runs before the configured files: a request
// body the gateway could not read as its Content-Type says (invalid JSON,
// broken multipart, a body beyond the parsers' bounds) is an evasion — the
// WAF would inspect nothing of it, the origin may still parse it — so it is a
// critical finding, as libmodsecurity's recommended configuration (rules
// 200002 and 200003) makes it.
//
// After them, centinela's native rules (ids 9700000+): the tokenisers of
// src/detect run as rules (9700100 SQL, 9700200 XSS, 9700300 shell, 9700400
// path, with 9700410/9700420/9700430 for its evasion spellings; 9700500 Log4j
// lookups) and patterns for what has no tokeniser
// (9700600 NoSQL, 9700700 server-side templates, 9700800 LDAP filters and
// 9700810 their probes),
// scored like CRS critical findings. They are in every rule set; a program
// keeps those its options enable.
#pragma once

#include <cstdint>

#include "seclang/parse.h"

namespace centinela::waf {

inline constexpr std::uint32_t kFirstNativeRule = 9'700'000;

// waf.native as bits.
using NativeSet = std::uint8_t;
inline constexpr NativeSet kNativeSql = 1, kNativeXss = 2, kNativeShell = 4, kNativePath = 8;

// The detectors a native rule belongs to (any of them enables it); 0 for a
// rule that is not native.
NativeSet native_rule_family(std::uint32_t id);

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
