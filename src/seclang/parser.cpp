#include "seclang/parser.h"

#include <cstring>

#include "seclang/lines.h"
#include "seclang/names.h"
#include "seclang/parts.h"
#include "seclang/values.h"

namespace centinela::seclang {

std::string ParseError::to_string() const {
  if (where.line <= 0) return where.file + ": " + message;
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
         message;
}

namespace detail {

void Diagnostics::add(Location where, std::string message, ParseError::Kind kind) {
  ++count_;
  if (errors_.size() < kMaxErrors) {
    errors_.push_back({std::move(where), std::move(message), kind});
  } else if (errors_.size() == kMaxErrors) {
    errors_.push_back({std::move(where), "too many errors; the rest are not listed"});
  }
}

namespace {

std::string place_name(const Location& where) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

}  // namespace

void Parser::read_text(std::string_view text, const std::string& file) {
  const std::size_t slash = file.rfind('/');
  FileState state{file, slash == std::string::npos ? std::string() : file.substr(0, slash + 1)};
  // A UTF-8 byte order mark (some editors write one) is not part of the text.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  LineReader reader(text);
  LogicalLine line;
  while (reader.next(line)) directive(line, state);
  if (state.chain.open) {
    diagnostics_.add(state.chain.last,
                     "this rule ends with 'chain' but no SecRule follows before the end of "
                     "the file: a chain is left open");
  }
}

void Parser::directive(const LogicalLine& line, FileState& state) {
  std::vector<Word> words;
  std::vector<WordError> word_errors;
  split_words(line.text(), words, word_errors);
  const LineContext context{state.file, line, diagnostics_};
  if (words.empty()) return;  // only blanks around a continuation
  if (const void* nul = std::memchr(line.text().data(), '\0', line.text().size())) {
    context.error(static_cast<const char*>(nul) - line.text().data(),
                  "NUL byte in the line (ModSecurity would end the line there)");
  }
  const Word& head = words.front();
  const std::string_view name = canonical_name(NameKind::directive, head.text);
  if (name.empty()) {
    std::string message = "unknown directive " + quote_for_message(head.text);
    const std::string_view near = diagnostics_.listing() && !head.quoted
                                      ? closest_name(NameKind::directive, head.text)
                                      : std::string_view();
    if (!near.empty()) message += " (did you mean " + std::string(near) + "?)";
    context.error(head.start, std::move(message));
    return;
  }
  const bool is_rule = name == "SecRule" || name == "SecAction";
  if (!word_errors.empty()) {
    for (WordError& e : word_errors) context.error(e.offset, std::move(e.message));
    if (is_rule) state.chain.open = false;  // whether it said `chain` is unknown
    return;
  }
  if (is_rule) {
    rule(name == "SecAction", words, context, state);
    return;
  }
  const Location where = context.at(head.start);
  if (state.chain.open) interrupt_chain(where, name, state.chain);
  if (name == "Include" || name == "IncludeOptional") {
    if (words.size() != 2) {
      context.error(head.start, std::string(name) + " takes one path (or glob), got " +
                                    std::to_string(words.size() - 1) + " arguments");
      return;
    }
    if (!includes_) {
      context.error(head.start, std::string(name) + " is not allowed here");
      return;
    }
    const std::string path = words[1].text;
    read_path(path, state.base_dir, &where, name == "IncludeOptional");
    return;
  }
  other(name, words, context);
}

void Parser::interrupt_chain(const Location& where, std::string_view what, Chain& chain) {
  diagnostics_.add(where, "the rule at " + place_name(chain.last) +
                              " ends with 'chain', so a SecRule must follow, not " +
                              std::string(what));
  chain.open = false;
}

void Parser::rule(bool is_action, const std::vector<Word>& words, const LineContext& context,
                  FileState& state) {
  Rule rule;
  rule.where = context.at(words.front().start);
  rule.is_action = is_action;
  const std::size_t errors_before = diagnostics_.count();
  if (is_action && state.chain.open) interrupt_chain(rule.where, "SecAction", state.chain);
  const bool link = state.chain.open;
  const std::size_t listed_before = result.errors.size();
  std::vector<std::size_t> offsets;
  parse_rule_words(is_action, words, context, rule, offsets);
  // A rule already broken (a missing argument, a quote) needs no more words
  // about its id.
  check_actions(rule, offsets, context, link, !link && diagnostics_.count() == errors_before);
  const bool broken = diagnostics_.count() != errors_before;
  if (broken) name_rule_in_errors(rule, link, listed_before, state.chain);
  place(std::move(rule), link, broken, state);
}

// What a caller reports a rule by: its id, or a chain link's first rule's.
void Parser::name_rule_in_errors(const Rule& rule, bool link, std::size_t listed_before,
                                 const Chain& chain) {
  std::optional<std::uint32_t> id = rule.id();
  if (!id && link && !chain.discard && chain.head < result.items.size()) {
    if (const Rule* head = std::get_if<Rule>(&result.items[chain.head])) id = head->id();
  }
  if (!id) return;
  for (std::size_t i = listed_before; i < result.errors.size(); ++i) {
    result.errors[i].rule_id = *id;
  }
}

void Parser::parse_rule_words(bool is_action, const std::vector<Word>& words,
                              const LineContext& context, Rule& rule,
                              std::vector<std::size_t>& offsets) {
  const std::size_t end_of_line = context.line.text().size();
  if (is_action) {
    rule.op.name = "unconditionalMatch";
    if (words.size() < 2) {
      context.error(end_of_line, "SecAction needs its actions: SecAction \"id:N,...\"");
    } else if (words.size() > 2) {
      context.error(words[2].start,
                    "SecAction takes one argument (its actions); is a quote missing?");
    } else {
      parse_actions(words[1], context, rule.actions, offsets);
    }
    return;
  }
  if (words.size() < 2) {
    context.error(end_of_line, "missing variables: SecRule VARIABLES \"OPERATOR\" \"ACTIONS\"");
    return;
  }
  if (words.size() < 3) {
    context.error(end_of_line, "missing operator: SecRule VARIABLES \"OPERATOR\" \"ACTIONS\"");
  }
  if (words.size() > 4) {
    context.error(words[4].start,
                  "SecRule takes three arguments (variables, operator, actions), this is a "
                  "fourth; is a quote missing?");
    return;  // which word is what is anyone's guess
  }
  parse_variables(words[1], context, rule.variables);
  if (words.size() >= 3) parse_operator(words[2], context, rule.op);
  if (words.size() >= 4) parse_actions(words[3], context, rule.actions, offsets);
}

void Parser::check_actions(const Rule& rule, const std::vector<std::size_t>& offsets,
                           const LineContext& context, bool link, bool want_id) {
  bool has_id = false;
  for (std::size_t k = 0; k < rule.actions.size(); ++k) {
    const Action& a = rule.actions[k];
    const std::size_t at = offsets[k];
    if (link && action_only_on_chain_start(a.name)) {
      context.error(
          at, "disruptive action '" + a.name + "' is only allowed on the first rule of a chain");
    }
    if (a.name == "id") {
      has_id = true;
      const auto id = id_value(a.value);
      if (!id) {
        context.error(at, "id must be a whole number from 1 to 4294967295, got " +
                              quote_for_message(a.value));
      } else if (auto [it, fresh] = ids_.emplace(*id, rule.where); !fresh) {
        context.error(
            at, "duplicate rule id " + a.value + " (first at " + place_name(it->second) + ")");
      }
    } else if (a.name == "phase" && !phase_value(a.value)) {
      context.error(at, "phase must be 1 to 5, request, response or logging, got " +
                            quote_for_message(a.value));
    } else if (a.name == "severity" && !severity_value(a.value)) {
      context.error(at,
                    "severity must be 0 to 7 or EMERGENCY, ALERT, CRITICAL, ERROR, "
                    "WARNING, NOTICE, INFO, DEBUG; got " +
                        quote_for_message(a.value));
    }
  }
  if (want_id && !has_id) {
    diagnostics_.add(rule.where,
                     std::string(rule.is_action ? "SecAction" : "SecRule") +
                         " has no id: every rule needs id:N, except the later rules of a chain");
  }
}

void Parser::place(Rule rule, bool link, bool broken, FileState& state) {
  Chain& chain = state.chain;
  chain.open = rule.has("chain");
  chain.last = rule.where;
  if (!link) {
    chain.links = 1;
    chain.too_long = false;
    chain.discard = broken;
    if (!broken) {
      result.items.emplace_back(std::move(rule));
      chain.head = result.items.size() - 1;
    }
    return;
  }
  if (++chain.links > kMaxChainLinks) {
    if (!chain.too_long) {
      diagnostics_.add(rule.where, "chain longer than " + std::to_string(kMaxChainLinks) +
                                       " rules; the rest of it is left out");
    }
    chain.too_long = true;
    return;
  }
  if (broken || chain.discard) return;
  if (Rule* head = std::get_if<Rule>(&result.items[chain.head])) {
    head->chain.push_back(std::move(rule));
  }
}

void Parser::other(std::string_view name, const std::vector<Word>& words,
                   const LineContext& context) {
  Directive d;
  d.where = context.at(words.front().start);
  d.name.assign(name);
  for (std::size_t i = 1; i < words.size(); ++i) d.args.push_back(words[i].text);
  const std::size_t errors_before = diagnostics_.count();
  const bool one_argument = name == "SecMarker" || name == "SecDefaultAction" ||
                            name == "SecComponentSignature" || name == "SecCollectionTimeout";
  if (one_argument && d.args.size() != 1) {
    context.error(words.front().start,
                  d.name + " takes one argument, got " + std::to_string(d.args.size()));
  } else if (d.args.empty() && name != "SecResponseBodyMimeTypesClear") {
    context.error(words.front().start, d.name + " needs an argument");
  }
  if (name == "SecDefaultAction" && d.args.size() == 1) {
    std::vector<std::size_t> offsets;
    parse_actions(words[1], context, d.actions, offsets);
  }
  if (diagnostics_.count() == errors_before) result.items.emplace_back(std::move(d));
}

}  // namespace detail
}  // namespace centinela::seclang
