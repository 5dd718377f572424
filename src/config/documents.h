// The config file and the files it includes (top-level `include:`), each
// parsed and with ${VAR} expanded, in the order their sections are read: the
// main file, then each included file in the order the list names it (a glob's
// or directory's files in name order), an included file's own includes right
// after it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/loading.h"
#include "config/yaml_reader.h"

namespace centinela::config {

// Included files may include others, this deep at most.
constexpr int kMaxIncludeDepth = 8;

struct Document {
  explicit Document(std::string path) : errors(std::move(path)) {}
  ErrorList errors;  // errors.file(): the file's path, as errors name it
  YAML::Node root;   // null for an empty file or one that did not parse
};

// `text` is the main file's content, `file` its path; the files it includes
// are read from disk, relative to the including file's directory.
std::vector<Document> read_documents(const std::string& text, const std::string& file,
                                     const Environment& environment);

}  // namespace centinela::config
