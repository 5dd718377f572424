// Small helpers shared by the config loader tests.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"

namespace centinela::config::testing {

// Each problem as `check` prints it, for the file name "t.yaml".
inline std::vector<std::string> problems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const ConfigError& error : load_string(yaml, "t.yaml").errors) {
    out.push_back(error.to_string());
  }
  return out;
}

// The config, which the test expects to load without problems.
inline Config load_ok(const std::string& yaml) {
  LoadResult result = load_string(yaml, "t.yaml");
  std::string all;
  for (const ConfigError& error : result.errors) all += error.to_string() + "\n";
  if (!result.config) throw std::runtime_error("config did not load:\n" + all);
  return *result.config;
}

}  // namespace centinela::config::testing
