#include "config/secret_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

namespace centinela::config {

std::filesystem::path resolve_beside(const std::string& config_path, const std::string& file) {
  std::filesystem::path path(file);
  if (path.is_absolute()) return path;
  return std::filesystem::path(config_path).parent_path() / path;
}

std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           std::string& problem) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    problem = "'" + path.string() + "' is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot open '" + path.string() + "'";
    return std::nullopt;
  }
  std::string text(kMaxSecretFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    problem = "cannot read '" + path.string() + "'";
    return std::nullopt;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxSecretFileBytes) {
    problem = "'" + path.string() + "' is larger than 64KiB";
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> read_secret_file(ErrorList& errors, const YAML::Node& node,
                                            const std::string& key_path) {
  auto name = read_string(errors, node, key_path);
  if (!name) return std::nullopt;
  if (name->empty()) {
    errors.add(node, key_path + ": must not be empty (leave it out)");
    return std::nullopt;
  }
  const std::filesystem::path path = resolve_beside(errors.file(), *name);
  std::string problem;
  std::optional<std::string> text = read_small_file(path, problem);
  if (!text) {
    errors.add(node, key_path + ": " + problem);
    return std::nullopt;
  }
  // `echo secret > file` and editors end the file with a line break that is
  // not part of the secret.
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  if (text->empty()) {
    errors.add(node, key_path + ": '" + path.string() + "' is empty");
    return std::nullopt;
  }
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && (status.st_mode & S_IROTH) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    errors.warn(node, key_path + ": '" + path.string() + "' is readable by every user (mode " +
                          mode + "); restrict it, e.g. chmod 600");
  }
  return text;
}

const YAML::Node* read_secret(MapFields& fields, std::string_view key, std::string& out) {
  const std::string file_key = std::string(key) + "_file";
  const YAML::Node* inline_value = fields.find(key);
  const YAML::Node* file_value = fields.find(file_key);
  if (inline_value && file_value) {
    fields.errors().add(*file_value, fields.path_of(file_key) + ": give either " +
                                         std::string(key) + " or " + file_key + ", not both");
    return nullptr;
  }
  if (inline_value) return fields.read(key, out) ? inline_value : nullptr;
  if (!file_value) return nullptr;
  auto text = read_secret_file(fields.errors(), *file_value, fields.path_of(file_key));
  if (!text) return nullptr;
  out = std::move(*text);
  return file_value;
}

}  // namespace centinela::config
