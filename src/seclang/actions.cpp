// The actions argument, read as ModSecurity reads it: `name` or
// `name:value`, separated by commas; a value is bare (up to the next comma)
// or 'single-quoted', where \' and \\ stand for ' and \.
#include <string>
#include <string_view>

#include "seclang/names.h"
#include "seclang/parts.h"

namespace centinela::seclang::detail {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::size_t skip_blanks(std::string_view text, std::size_t i) {
  while (i < text.size() && blank(text[i])) ++i;
  return i;
}

std::string unknown_action(NameKind kind, std::string_view name, const LineContext& context) {
  std::string message = "unknown " + std::string(kind_word(kind)) + " " + quote_for_message(name);
  if (!context.diagnostics.listing()) return message;
  if (const std::string_view near = closest_name(kind, name); !near.empty()) {
    message += " (did you mean " + std::string(near) + "?)";
  }
  return message;
}

struct Cursor {
  const Word& word;
  const LineContext& context;
  std::size_t i = 0;
  bool ok = true;

  std::string_view text() const { return word.text; }
  void error(std::size_t at, std::string message) {
    context.error(word, at, std::move(message));
    ok = false;
  }
  void skip_to_comma() {
    while (i < text().size() && text()[i] != ',') ++i;
  }
};

// The value after `name:` at cursor.i; false when the rest of the
// actions cannot be read (an unterminated quote).
bool value(Cursor& at, const std::string& name, std::string& out) {
  const std::string_view text = at.text();
  at.i = skip_blanks(text, at.i);
  if (at.i < text.size() && text[at.i] == '\'') {
    std::size_t i = at.i + 1;
    for (; i < text.size() && text[i] != '\''; ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\'' || text[i + 1] == '\\')) {
        ++i;
      }
      out.push_back(text[i]);
    }
    if (i >= text.size()) {
      at.error(at.i, "unterminated quote in the value of action " + quote_for_message(name));
      return false;
    }
    at.i = i + 1;
    if (at.i < text.size() && !blank(text[at.i]) && text[at.i] != ',') {
      at.error(at.i, "unexpected " + quote_for_message(text.substr(at.i, 1)) +
                         " after the quoted value of " + quote_for_message(name));
      at.skip_to_comma();
    }
    return true;
  }
  // Bare: up to the next comma, blanks at its end dropped (ModSecurity 3
  // reads `msg:two words` whole).
  const std::size_t start = at.i;
  while (at.i < text.size() && text[at.i] != ',') ++at.i;
  std::size_t end = at.i;
  while (end > start && blank(text[end - 1])) --end;
  out.assign(text.substr(start, end - start));
  return true;
}

// `t:name`: the canonical transformation name.
void transformation(Cursor& at, std::size_t value_at, Action& action) {
  const std::string_view known = canonical_name(NameKind::transformation, action.value);
  if (known.empty()) {
    at.error(value_at, unknown_action(NameKind::transformation, action.value, at.context));
  } else {
    action.value.assign(known);
  }
}

// One action at cursor.i (not blank, not a comma); false: stop reading.
bool action(Cursor& at, std::vector<Action>& out, std::vector<std::size_t>& offsets) {
  const std::string_view text = at.text();
  const std::size_t start = at.i;
  while (at.i < text.size() && text[at.i] != ':' && text[at.i] != ',' && !blank(text[at.i])) {
    ++at.i;
  }
  const std::string_view name = text.substr(start, at.i - start);
  const std::string_view known = canonical_name(NameKind::action, name);
  Action result;
  result.name.assign(known.empty() ? name : known);
  if (known.empty()) at.error(start, unknown_action(NameKind::action, name, at.context));
  const bool has_value = at.i < text.size() && text[at.i] == ':';
  if (has_value) {
    ++at.i;
    const std::size_t value_at = skip_blanks(text, at.i);
    if (!value(at, result.name, result.value)) return false;
    if (result.name == "t") transformation(at, value_at, result);
  } else if (!known.empty() && action_needs_value(known)) {
    at.error(start, "action " + quote_for_message(name) + " needs a value (" + std::string(known) +
                        ":...)");
  }
  at.i = skip_blanks(text, at.i);
  if (at.i < text.size() && text[at.i] != ',') {
    at.error(at.i, "expected ',' after action " + quote_for_message(name) + ", got " +
                       quote_for_message(text.substr(at.i, 1)));
    at.skip_to_comma();
  }
  if (!known.empty()) {
    out.push_back(std::move(result));
    offsets.push_back(at.word.offset_of(start));
  }
  return true;
}

}  // namespace

bool parse_actions(const Word& word, const LineContext& context, std::vector<Action>& out,
                   std::vector<std::size_t>& offsets) {
  Cursor at{word, context};
  const std::string_view text = word.text;
  while (true) {
    while (at.i < text.size() && (blank(text[at.i]) || text[at.i] == ',')) ++at.i;
    if (at.i >= text.size()) break;
    if (!action(at, out, offsets)) break;
  }
  return at.ok;
}

}  // namespace centinela::seclang::detail
