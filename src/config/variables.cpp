#include "config/variables.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace centinela::config {
namespace {

// Nested defaults (`${A:-${B:-x}}`) deeper than this are refused.
constexpr int kMaxNesting = 8;

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// The position of the `}` closing the `${` whose body starts at `from`, or
// npos; nested `${...}` are skipped.
std::size_t closing_brace(std::string_view text, std::size_t from) {
  int depth = 0;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && (text[i + 1] == '$' || text[i + 1] == '{')) {
      if (text[i + 1] == '{') ++depth;
      ++i;
    } else if (text[i] == '}') {
      if (depth == 0) return i;
      --depth;
    }
  }
  return std::string_view::npos;
}

class Expander {
 public:
  explicit Expander(const Environment& environment) : environment_(environment) {}

  // Appends `text` expanded to `out`; false (with error_ set) on a problem.
  bool expand(std::string_view text, std::string& out, int nesting) {
    if (nesting > kMaxNesting) return fail("${...} nested too deeply");
    for (std::size_t i = 0; i < text.size(); ++i) {
      const bool dollar = text[i] == '$' && i + 1 < text.size();
      if (dollar && text[i + 1] == '$') {
        out += '$';
        ++i;
      } else if (dollar && text[i + 1] == '{') {
        const std::size_t end = closing_brace(text, i + 2);
        if (end == std::string_view::npos) {
          return fail("'${' without a closing '}' (write $$ for a literal $)");
        }
        if (!substitute(text.substr(i + 2, end - i - 2), out, nesting)) return false;
        i = end;
      } else {
        out += text[i];
      }
    }
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // `body` is what stands between `${` and `}`.
  bool substitute(std::string_view body, std::string& out, int nesting) {
    std::size_t name_end = 0;
    while (name_end < body.size() && is_name_char(body[name_end])) ++name_end;
    const std::string name(body.substr(0, name_end));
    if (name.empty() || !is_name_start(name[0])) {
      return fail("'${" + std::string(body) +
                  "}' is not a variable: names are letters, digits and _, not starting with a "
                  "digit (write $$ for a literal $)");
    }
    std::string_view rest = body.substr(name_end);
    const bool empty_is_unset = rest.starts_with(':');
    if (empty_is_unset) rest.remove_prefix(1);
    const char op = rest.empty() ? '\0' : rest[0];
    if ((op != '-' && op != '?' && !rest.empty()) || (empty_is_unset && rest.empty())) {
      return fail("'${" + std::string(body) + "}': expected ${" + name + "}, ${" + name +
                  ":-default} or ${" + name + ":?message}");
    }
    const std::string_view argument = rest.empty() ? rest : rest.substr(1);
    std::optional<std::string> value = environment_(name);
    const bool missing = !value || (empty_is_unset && value->empty());
    if (!missing) {
      out += *value;
      return true;
    }
    if (op == '-') return expand(argument, out, nesting + 1);
    if (op == '?') {
      std::string message;
      if (!expand(argument, message, nesting + 1)) return false;
      return fail("environment variable " + name + (value ? " is empty" : " is not set") +
                  (message.empty() ? "" : ": " + message));
    }
    return fail("environment variable " + name + " is not set (give a default with ${" + name +
                ":-default}, or $$ for a literal $)");
  }

  const Environment& environment_;
  std::string error_;
};

class TreeExpander {
 public:
  TreeExpander(ErrorList& errors, const Environment& environment)
      : errors_(errors), environment_(environment) {}

  void walk(YAML::Node node, const std::string& path) {
    if (node.IsMap()) {
      for (auto entry : node) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
        walk(entry.second, path.empty() ? key : path + "." + key);
      }
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        walk(node[i], path + "[" + std::to_string(i) + "]");
      }
    } else if (node.IsScalar() && node.Scalar().find('$') != std::string::npos) {
      expand_scalar(node, path);
    }
  }

 private:
  void expand_scalar(YAML::Node& node, const std::string& path) {
    // A YAML alias is the same node seen twice: expanding it again would
    // read a `$$` already turned into `$`.
    if (std::any_of(expanded_.begin(), expanded_.end(),
                    [&](const YAML::Node& done) { return done.is(node); })) {
      return;
    }
    expanded_.push_back(node);
    Expanded result = expand_variables(node.Scalar(), environment_);
    if (!result.error.empty()) {
      errors_.add(node, (path.empty() ? "" : path + ": ") + result.error);
      return;
    }
    node = result.value;
  }

  ErrorList& errors_;
  const Environment& environment_;
  std::vector<YAML::Node> expanded_;
};

}  // namespace

Expanded expand_variables(std::string_view text, const Environment& environment) {
  Expanded result;
  Expander expander(environment);
  if (!expander.expand(text, result.value, 0)) {
    result.value.clear();
    result.error = expander.error();
  }
  return result;
}

void expand_variables_in(ErrorList& errors, const YAML::Node& root,
                         const Environment& environment) {
  TreeExpander(errors, environment).walk(root, "");
}

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace centinela::config
