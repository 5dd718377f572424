// Internal to the rule compiler (compile_rules.cpp, compile_rule.cpp,
// compile_operator.cpp): what compiling one rule needs and tells.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "seclang/ast.h"
#include "waf/ruleset.h"

namespace centinela::waf::detail {

// SecDefaultAction of one phase.
struct Defaults {
  bool log = true;
  Disruptive disruptive = Disruptive::pass;
};

struct CompileContext {
  RuleSet& set;
  const std::filesystem::path* cache_dir = nullptr;  // waf.compile_cache (null: none)
  std::array<Defaults, 6> defaults{};
  // Compiled regexes and word lists by their source, shared by rules.
  std::map<std::string, std::shared_ptr<const pattern::Confirmer>> regexes;
  std::map<std::string, std::shared_ptr<const pattern::LiteralSet>> literal_sets;
  // Each list's words, for the word groups (RuleSet::word_groups).
  std::map<const pattern::LiteralSet*, std::vector<std::string>> literal_words;

  // Problems with the rule being compiled, reported once it is done.
  std::vector<std::string> not_honoured, partial;
  std::string error;  // the rule cannot be compiled at all
};

std::string location(const seclang::Location& where);

// A macro string ("%{tx.critical_anomaly_score}", plain text) parsed.
Macro parse_macro(std::string_view text, CompileContext& ctx, const seclang::Rule& rule);

// The regex for `pattern`, compiled once per rule set; null with ctx.error.
std::shared_ptr<const pattern::Confirmer> regex(std::string_view pattern, CompileContext& ctx);

// SecRule's operator; `rule_file` is where @pmFromFile data is looked for.
Operator compile_operator(const seclang::Operator& op, const seclang::Rule& rule,
                          CompileContext& ctx);

// One SecRule/SecAction with its chain (nullopt: ctx.error says why).
std::optional<Rule> compile_rule(const seclang::Rule& rule, CompileContext& ctx);

// RuleSet::word_groups from the compiled rules' @pm links, and each link's
// place in them (compile_word_groups.cpp).
void group_word_lists(CompileContext& ctx);

}  // namespace centinela::waf::detail
