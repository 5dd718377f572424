// Reads SecLang rule files (ModSecurity's configuration language, the
// subset the OWASP CRS uses) into the AST of seclang/ast.h. Never throws
// and never stops at the first problem: every error is collected as
// `file:line:col: message` and the rest of the input is still read, so
// `centinela check` can list them all.
//
// Read as ModSecurity does: one directive per line, `\` at the end of a line
// continues it, `#` starts a comment line; an argument is a bare word or
// "double-quoted" (`\"` inside stands for `"`, `\\"` ends the argument;
// every other backslash is kept for the operator, e.g. a regex). Directive, variable, operator,
// action and transformation names are checked case-insensitively against ModSecurity's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seclang/ast.h"

namespace centinela::seclang {

struct ParseError {
  enum class Kind : std::uint8_t {
    other,
    // An operator name ModSecurity does not know. libmodsecurity 3 does not
    // refuse it: it reads "@name arg" as a regex of that text (modsec/).
    unknown_operator,
  };
  Location where;
  std::string message;
  Kind kind = Kind::other;
  // The id of the rule the error is in (a chain's later link: its first
  // rule's); 0 when it has none or the error is not in a rule.
  std::uint32_t rule_id = 0;
  std::string to_string() const;  // "file:line:col: message"
};

struct ParseResult {
  std::vector<Item> items;         // in the order read, Include expanded in place
  std::vector<ParseError> errors;  // empty: the input is sound
  std::vector<std::string> files;  // every file read, in order
  bool ok() const { return errors.empty(); }
};

// Bounds on hostile or broken input.
inline constexpr std::size_t kMaxChainLinks = 32;    // rules in one chain
inline constexpr std::size_t kMaxIncludeDepth = 16;  // nested Include
inline constexpr std::size_t kMaxErrors = 200;       // then one "too many errors"
inline constexpr std::size_t kMaxFileBytes = 256u << 20;

// Files in the order given; each entry a path or a glob (`rules/*.conf`,
// matches sorted bytewise; a glob that matches nothing is an error).
// `Include` / `IncludeOptional` inside are read in place, relative paths
// against the including file's folder; IncludeOptional skips what is missing.
ParseResult parse_files(std::span<const std::string> paths_or_globs);

// The same for text in memory; `file_name` names it in locations and is the
// base for relative Include paths. Without `includes`, an Include is an
// error and nothing but `text` is read (for untrusted text: the fuzzer).
ParseResult parse_text(std::string_view text, std::string_view file_name, bool includes = true);

}  // namespace centinela::seclang
