// What a SecLang file (the ModSecurity rule language, the subset the OWASP
// CRS uses) says, as read by seclang::parse_files: rules with their chains
// and the other directives, each with the place it was written. Names are
// spelt canonically (ModSecurity reads them case-insensitively); values are
// kept as written, quotes and escapes removed. Nothing here is interpreted:
// that is the WAF compiler's work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace centinela::seclang {

// 1-based line and column (in bytes) of the first character of what is meant.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

// One target of a SecRule: `ARGS`, `!REQUEST_COOKIES:/__utm/`, `&TX:foo`.
struct Variable {
  bool exclude = false;            // `!`: removes this target from the others
  bool count = false;              // `&`: the number of matching values
  std::string collection;          // upper case, e.g. "REQUEST_HEADERS"
  std::string selector;            // "" = the whole collection; a regex without its slashes
  bool selector_is_regex = false;  // `/regex/` (or `'/regex/'`)
};

// `!@rx pattern`; a bare argument without `@` is `@rx`.
struct Operator {
  bool negated = false;
  std::string name;  // without '@', canonical case: "rx", "pmFromFile", "detectSQLi"
  std::string argument;
};

// `name` or `name:value`; `'…'` quotes removed, `\'` and `\\` unescaped.
struct Action {
  std::string name;  // canonical case: "id", "skipAfter", "t"
  std::string value;
};

struct Ctl {
  std::string_view name, value;  // `ctl:ruleRemoveById=942100`: "ruleRemoveById", "942100"
};

// A SecRule, or a SecAction (is_action: no variables, operator
// "unconditionalMatch"). A chain is kept on its first rule: `chain` holds
// the second and later links in order (flat; the links' own `chain` lists
// are empty).
struct Rule {
  Location where;
  bool is_action = false;
  std::vector<Variable> variables;
  Operator op;
  std::vector<Action> actions;
  std::vector<Rule> chain;

  // The typed view: lookups over `actions`, nothing inherited from
  // SecDefaultAction (the compiler applies that).
  const Action* find(std::string_view action) const;  // the first one
  std::vector<std::string_view> all(std::string_view action) const;
  bool has(std::string_view action) const { return find(action) != nullptr; }
  std::optional<std::uint32_t> id() const;
  std::optional<int> phase() const;     // 1..5; request = 2, response = 4, logging = 5
  std::optional<int> severity() const;  // 0 (EMERGENCY) .. 7 (DEBUG)
  std::string_view msg() const;
  std::vector<std::string_view> tags() const;
  // The `t:` names in order; `t:none` drops the ones before it. `none` itself
  // is left out: {} means none, or nothing said (see has_transformations).
  std::vector<std::string_view> transformations() const;
  bool has_transformations() const { return has("t"); }
  std::vector<Ctl> ctls() const;
  std::vector<std::string_view> setvars() const;  // as written: "tx.score=+%{tx.critical}"
};

// Any other directive: SecMarker, SecDefaultAction, SecCollectionTimeout, …
// `args` with their quotes removed. SecDefaultAction's actions are parsed
// into `actions` too.
struct Directive {
  Location where;
  std::string name;  // canonical case: "SecMarker"
  std::vector<std::string> args;
  std::vector<Action> actions;
};

using Item = std::variant<Rule, Directive>;

}  // namespace centinela::seclang
