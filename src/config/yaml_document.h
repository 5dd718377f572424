// Parsing one YAML file into one document, with its problems as file:line
// errors: syntax errors (naming tabs, their usual cause) and a stream of more
// than one document (`---`), which centinela refuses rather than reading the
// first and ignoring the rest.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/yaml_reader.h"

namespace centinela::config {

// The document in `text`; a null node for an empty file or after an error.
YAML::Node parse_document(const std::string& text, ErrorList& errors);

}  // namespace centinela::config
