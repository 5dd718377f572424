// Files the config names: key files and secrets kept out of the config
// (`admin.token_file`, `identity.jwt.hs256_secret_file`, ...), read when the
// config loads and again on every reload.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/yaml_reader.h"

namespace centinela::config {

// Secrets, keys and key lists are small; anything larger is a wrong path.
constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

// `file` as written in the config file `config_path`: a relative path is
// taken from that file's directory.
std::filesystem::path resolve_beside(const std::string& config_path, const std::string& file);

// The whole file, or nullopt with `problem` set (naming the path); reads at
// most kMaxSecretFileBytes + 1 bytes, so a huge file is refused cheaply.
std::optional<std::string> read_small_file(const std::filesystem::path& path, std::string& problem);

// Reads the secret file named by the scalar `node` (the value of
// `key_path`, e.g. "admin.token_file"), relative to errors.file():
// its text without trailing line breaks. Missing, unreadable, oversized and
// empty files are errors at `node`; a file every user may read is a warning.
std::optional<std::string> read_secret_file(ErrorList& errors, const YAML::Node& node,
                                            const std::string& key_path);

// A secret written inline under `key` or read from the file under
// `key` + "_file" (both is an error). Sets `out` and returns the node it
// came from, or null when neither key is present or the value is unusable.
const YAML::Node* read_secret(MapFields& fields, std::string_view key, std::string& out);

}  // namespace centinela::config
