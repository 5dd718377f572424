// Loading a config with options: the environment `${VAR}` reads, and the
// warnings a load finds (problems that do not stop it, such as a secret
// file every user may read). load_file / load_string in config.h are these
// with the process environment and the warnings dropped.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace centinela::config {

// The value of an environment variable, nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

struct LoadOptions {
  // Where `${VAR}` in the config is looked up; empty: the process environment.
  Environment environment;
};

// Reads and validates a file and the files it includes; never throws.
// `warnings` receives each warning as FILE:LINE:COLUMN with a message
// starting "warning: ".
LoadResult load_file(const std::string& path, const LoadOptions& options,
                     std::vector<ConfigError>& warnings);
// Same from text already in memory; `file` names it in errors, and files it
// includes are found beside it.
LoadResult load_string(const std::string& text, const std::string& file, const LoadOptions& options,
                       std::vector<ConfigError>& warnings);

}  // namespace centinela::config
