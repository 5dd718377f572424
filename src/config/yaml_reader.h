// Typed reading of yaml-cpp nodes that records every problem with its
// position instead of stopping at the first one.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace centinela::config {

// Every problem found in one file, in the order the file reads, and the
// warnings (problems that do not stop the file loading).
class ErrorList {
 public:
  explicit ErrorList(std::string file) : file_(std::move(file)) {}
  // The file the marks point into; relative paths written in it are taken
  // from its directory.
  const std::string& file() const { return file_; }
  void add(const YAML::Mark& mark, std::string message);
  void add(const YAML::Node& at, std::string message) { add(at.Mark(), std::move(message)); }
  void warn(const YAML::Mark& mark, std::string message);
  void warn(const YAML::Node& at, std::string message) { warn(at.Mark(), std::move(message)); }
  // Problems found in another file this one names (a secret file that is
  // YAML): reported after this file's own.
  void append(ErrorList&& other);
  bool empty() const { return errors_.empty() && appended_.empty(); }
  // Sorted by line and column; problems found later on one spot stay after.
  std::vector<ConfigError> take();
  std::vector<ConfigError> take_warnings();

 private:
  ConfigError at(const YAML::Mark& mark, std::string message) const;

  std::string file_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
  std::vector<ConfigError> appended_;
};

// How a node looks to someone reading the error: "'abc'", "a list", "nothing".
std::string describe(const YAML::Node& node);

// The literal, lower-cased if it is a scalar; otherwise empty.
std::string lower_scalar(const YAML::Node& node);

// `off`, `false` or `no`: a feature written as switched off.
bool is_switched_off(const YAML::Node& node);
// `on`, `true` or `yes`: a feature switched on with its defaults.
bool is_switched_on(const YAML::Node& node);
// A section that may be written as a switch instead of a map: true when
// `node` is one (`enabled` set for on, left alone for off).
bool read_switch(const YAML::Node& node, bool& enabled);

// Scalar conversions: each returns the value, or reports why not at the node
// (prefixed with `path`) and returns nothing.
std::optional<std::string> read_string(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path);
std::optional<bool> read_bool(ErrorList& errors, const YAML::Node& node, std::string_view path);
std::optional<std::uint64_t> read_uint(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path, std::uint64_t min, std::uint64_t max);
std::optional<Duration> read_duration(ErrorList& errors, const YAML::Node& node,
                                      std::string_view path, bool must_be_positive = false);
// A decimal number (1, 0.5, 25) within [min, max]; `min_exclusive`: above min.
std::optional<double> read_number(ErrorList& errors, const YAML::Node& node, std::string_view path,
                                  double min, double max, bool min_exclusive = false);
std::optional<std::uint64_t> read_size(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path, bool must_be_positive = false);
// A list of strings, or one string standing for a list of one.
std::optional<std::vector<std::string>> read_string_list(ErrorList& errors, const YAML::Node& node,
                                                         std::string_view path);

// The node of the i-th string that read_string_list returned (which also
// accepts a single scalar), to report a problem with that one entry.
inline YAML::Node list_item(const YAML::Node& node, std::size_t index) {
  return node.IsSequence() ? node[index] : node;
}

// A YAML map with a fixed set of keys. Construction reports a node that is not
// a map, unknown keys (with a did-you-mean hint) and keys given twice.
class MapFields {
 public:
  MapFields(ErrorList& errors, const YAML::Node& node, std::string path,
            std::vector<std::string_view> known_keys);

  bool is_map() const { return is_map_; }
  const YAML::Node& node() const { return node_; }
  ErrorList& errors() { return errors_; }
  // "server.limits" + "max_body_bytes" -> "server.limits.max_body_bytes".
  std::string path_of(std::string_view key) const;

  // The value under `key`, or null when the key is absent.
  const YAML::Node* find(std::string_view key) const;
  // Reports a missing key at the map; true when present.
  bool require(std::string_view key);

  // Each assigns `out` only when the key is present and its value valid, and
  // returns whether it did.
  bool read(std::string_view key, std::string& out);
  bool read(std::string_view key, bool& out);
  bool read(std::string_view key, unsigned& out, std::uint64_t min, std::uint64_t max);
  bool read(std::string_view key, std::uint64_t& out, std::uint64_t min, std::uint64_t max);
  bool read(std::string_view key, std::vector<std::string>& out);
  bool read_duration(std::string_view key, Duration& out, bool must_be_positive = false);
  bool read_number(std::string_view key, double& out, double min, double max,
                   bool min_exclusive = false);
  bool read_size(std::string_view key, std::uint64_t& out, bool must_be_positive = false);

  // A nested section: `read(errors, node, path, out)` on the value under
  // `key` when the key is present; returns whether it was.
  template <typename Reader, typename Out>
  bool read_section(std::string_view key, Reader read, Out& out) {
    const YAML::Node* value = find(key);
    if (value == nullptr) return false;
    read(errors_, *value, path_of(key), out);
    return true;
  }

 private:
  ErrorList& errors_;
  YAML::Node node_;
  std::string path_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
};

}  // namespace centinela::config
