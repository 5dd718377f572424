#include "seclang/parts.h"

#include <string>
#include <string_view>

#include "seclang/names.h"

namespace centinela::seclang::detail {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// "unknown variable 'ARG' (did you mean ARGS?)"
std::string unknown(NameKind kind, std::string_view name, const LineContext& context) {
  std::string message = "unknown " + std::string(kind_word(kind)) + " " + quote_for_message(name);
  if (!context.diagnostics.listing()) return message;
  if (const std::string_view near = closest_name(kind, name); !near.empty()) {
    message += " (did you mean ";
    if (kind == NameKind::op) message += '@';
    message += std::string(near) + "?)";
  }
  return message;
}

// The selector after `COLLECTION:` at text[i]; returns the index after it,
// or npos after reporting an error.
std::size_t selector(const Word& word, std::size_t i, const LineContext& context, Variable& out) {
  const std::string_view text = word.text;
  if (i < text.size() && text[i] == '\'') {
    // Taken verbatim, backslashes and all, as ModSecurity 3 takes it
    // (CRS 980 has &TX:'/LEAKAGE\\\/ERRORS/').
    const std::size_t close = text.find('\'', i + 1);
    if (close == std::string_view::npos) {
      context.error(word, i, "unterminated quote in the selector of " + out.collection);
      return close;
    }
    out.selector.assign(text.substr(i + 1, close - i - 1));
    const std::size_t end = close + 1;
    if (out.selector.size() >= 3 && out.selector.front() == '/' && out.selector.back() == '/') {
      out.selector = out.selector.substr(1, out.selector.size() - 2);
      out.selector_is_regex = true;
    }
    return end;
  }
  if (i < text.size() && text[i] == '/') {
    // ModSecurity's /regex/ selector cannot hold '|' (quoted, '/a|b/', it
    // can); without a closing '/' it is a plain selector (XML:/* is XPath).
    std::size_t end = text.find('|', i);
    if (end == std::string_view::npos) end = text.size();
    if (end - i >= 3 && text[end - 1] == '/') {
      out.selector.assign(text.substr(i + 1, end - i - 2));
      out.selector_is_regex = true;
      return end;
    }
  }
  std::size_t end = i;
  while (end < text.size() && text[end] != '|' && text[end] != ',') ++end;
  if (end == i) {
    context.error(word, i, "empty selector after " + out.collection + ":");
    return std::string_view::npos;
  }
  out.selector.assign(text.substr(i, end - i));
  return end;
}

// One variable from text[i]; returns the index after it, or npos (reported).
std::size_t variable(const Word& word, std::size_t i, const LineContext& context, Variable& out) {
  const std::string_view text = word.text;
  if (i < text.size() && (text[i] == '!' || text[i] == '&')) {
    (text[i] == '!' ? out.exclude : out.count) = true;
    ++i;
  }
  const std::size_t start = i;
  while (i < text.size() && name_char(text[i])) ++i;
  const std::string_view name = text.substr(start, i - start);
  if (name.empty()) {
    context.error(word, start,
                  "expected a variable name, got " +
                      (start < text.size() ? quote_for_message(text.substr(start, 1))
                                           : std::string("the end of the variables")));
    return std::string_view::npos;
  }
  const std::string_view known = canonical_name(NameKind::variable, name);
  if (known.empty()) {
    context.error(word, start, unknown(NameKind::variable, name, context));
    return std::string_view::npos;
  }
  out.collection.assign(known);
  if (i < text.size() && text[i] == ':') return selector(word, i + 1, context, out);
  return i;
}

}  // namespace

bool parse_variables(const Word& word, const LineContext& context, std::vector<Variable>& out) {
  // One error per list: after a broken variable the rest cannot be trusted.
  const std::string_view text = word.text;
  if (text.empty()) {
    context.error(word, 0, "missing variables: SecRule VARIABLES \"OPERATOR\" \"ACTIONS\"");
    return false;
  }
  std::size_t i = 0;
  while (true) {
    Variable v;
    const std::size_t end = variable(word, i, context, v);
    if (end == std::string_view::npos) return false;
    if (end < text.size() && text[end] != '|' && text[end] != ',') {
      context.error(word, end,
                    "unexpected " + quote_for_message(text.substr(end, 1)) +
                        " in variables: separate them with '|'");
      return false;
    }
    out.push_back(std::move(v));
    if (end >= text.size()) return true;
    i = end + 1;
    if (i == text.size()) {
      context.error(word, end, "a variable must follow " + quote_for_message(text.substr(end, 1)));
      return false;
    }
  }
}

bool parse_operator(const Word& word, const LineContext& context, Operator& out) {
  const std::string_view text = word.text;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '!') {
    out.negated = true;
    ++i;
  }
  if (i >= text.size() || text[i] != '@') {
    out.name = "rx";  // a bare argument is a regex
    out.argument.assign(text.substr(i));
    return true;
  }
  const std::size_t start = ++i;
  while (i < text.size() && !blank(text[i])) ++i;
  const std::string_view name = text.substr(start, i - start);
  if (name.empty()) {
    context.error(word, start - 1, "missing operator name after '@'");
    return false;
  }
  const std::string_view known = canonical_name(NameKind::op, name);
  if (known.empty()) {
    context.error(word, start - 1, unknown(NameKind::op, name, context),
                  ParseError::Kind::unknown_operator);
    return false;
  }
  out.name.assign(known);
  if (i < text.size()) ++i;  // the one blank between name and argument
  out.argument.assign(text.substr(i));
  const bool empty = out.argument.find_first_not_of(" \t") == std::string::npos;
  if (operator_without_argument(known) && !empty) {
    context.error(word, i, "@" + out.name + " takes no argument");
    return false;
  }
  if (!operator_without_argument(known) && out.argument.empty()) {
    context.error(word, start - 1, "@" + out.name + " needs an argument");
    return false;
  }
  return true;
}

}  // namespace centinela::seclang::detail
