// `${VAR}`, `${VAR:-default}` and `$$` in config values, replaced before the
// values are typed (so `port: ${PORT:-8080}` is a number), as Docker Compose
// does.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "config/loading.h"
#include "config/yaml_reader.h"

namespace centinela::config {

struct Expanded {
  std::string value;
  std::string error;  // non-empty: why `text` cannot be expanded (names the variable)
};

// Replaces, left to right:
//   $$                 a literal $
//   ${NAME}            NAME's value; unset is an error
//   ${NAME:-default}   NAME's value, or `default` when unset or empty
//   ${NAME-default}    NAME's value, or `default` when unset
//   ${NAME:?message}   NAME's value; unset or empty is an error saying `message`
//   ${NAME?message}    NAME's value; unset is an error saying `message`
// A `$` followed by anything else stays as written (regexes end in `$`).
// Defaults may themselves hold ${...}.
Expanded expand_variables(std::string_view text, const Environment& environment);

// Expands every scalar value under `root` in place (a YAML::Node is a handle:
// the tree is changed through it; keys stay as written); problems are
// reported at the value, with its key path.
void expand_variables_in(ErrorList& errors, const YAML::Node& root, const Environment& environment);

// The process environment (getenv).
std::optional<std::string> process_environment(const std::string& name);

}  // namespace centinela::config
