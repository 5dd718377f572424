#include "config/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "config/ascii.h"
#include "config/suggestion.h"
#include "config/units.h"

namespace centinela::config {
namespace {

std::string prefixed(std::string_view path, std::string_view message) {
  if (path.empty()) return std::string(message);
  return std::string(path) + ": " + std::string(message);
}

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

}  // namespace

ConfigError ErrorList::at(const YAML::Mark& mark, std::string message) const {
  ConfigError error;
  error.file = file_;
  if (!mark.is_null()) {
    error.line = static_cast<unsigned>(mark.line + 1);
    error.column = static_cast<unsigned>(mark.column + 1);
  }
  error.message = std::move(message);
  return error;
}

void ErrorList::add(const YAML::Mark& mark, std::string message) {
  errors_.push_back(at(mark, std::move(message)));
}

void ErrorList::warn(const YAML::Mark& mark, std::string message) {
  warnings_.push_back(at(mark, "warning: " + std::move(message)));
}

void ErrorList::append(ErrorList&& other) {
  for (ConfigError& error : other.take()) appended_.push_back(std::move(error));
  for (ConfigError& warning : other.take_warnings()) warnings_.push_back(std::move(warning));
}

namespace {

void sort_by_position(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

}  // namespace

std::vector<ConfigError> ErrorList::take() {
  sort_by_position(errors_);
  std::vector<ConfigError> out = std::move(errors_);
  out.insert(out.end(), std::make_move_iterator(appended_.begin()),
             std::make_move_iterator(appended_.end()));
  errors_.clear();
  appended_.clear();
  return out;
}

std::vector<ConfigError> ErrorList::take_warnings() {
  std::vector<ConfigError> out = std::move(warnings_);
  warnings_.clear();
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

std::string lower_scalar(const YAML::Node& node) {
  if (!node.IsScalar()) return {};
  return ascii_lower(node.Scalar());
}

bool is_switched_off(const YAML::Node& node) {
  std::string text = lower_scalar(node);
  return text == "off" || text == "false" || text == "no";
}

bool is_switched_on(const YAML::Node& node) {
  std::string text = lower_scalar(node);
  return text == "on" || text == "true" || text == "yes";
}

bool read_switch(const YAML::Node& node, bool& enabled) {
  if (is_switched_off(node)) return true;
  if (!is_switched_on(node)) return false;
  enabled = true;
  return true;
}

std::optional<std::string> read_string(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path) {
  if (node.IsScalar()) return node.Scalar();
  errors.add(node, prefixed(path, "expected a string, got " + describe(node)));
  return std::nullopt;
}

std::optional<bool> read_bool(ErrorList& errors, const YAML::Node& node, std::string_view path) {
  if (is_switched_on(node)) return true;
  if (is_switched_off(node)) return false;
  errors.add(node, prefixed(path, "expected a boolean (true or false), got " + describe(node)));
  return std::nullopt;
}

std::optional<std::uint64_t> read_uint(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path, std::uint64_t min,
                                       std::uint64_t max) {
  std::optional<std::uint64_t> value;
  if (node.IsScalar()) value = parse_unsigned(node.Scalar());
  if (!value || *value < min || *value > max) {
    errors.add(node, prefixed(path, "expected a whole number from " + std::to_string(min) + " to " +
                                        std::to_string(max) + ", got " + describe(node)));
    return std::nullopt;
  }
  return value;
}

std::optional<double> read_number(ErrorList& errors, const YAML::Node& node, std::string_view path,
                                  double min, double max, bool min_exclusive) {
  std::optional<double> value;
  if (node.IsScalar()) {
    // Plain decimals only: no signs, exponents, "nan" or "inf" (strtod takes them all).
    const std::string& text = node.Scalar();
    const bool plain = !text.empty() && text.size() < 32 &&
                       text.find_first_not_of("0123456789.") == std::string::npos &&
                       std::count(text.begin(), text.end(), '.') <= 1 && text != ".";
    if (plain) value = std::strtod(text.c_str(), nullptr);
  }
  if (!value || *value < min || *value > max || (min_exclusive && *value == min)) {
    std::string range = fmt::format("{} {} to {}", min_exclusive ? "above" : "from", min, max);
    errors.add(node, prefixed(path, "expected a number " + range + ", got " + describe(node)));
    return std::nullopt;
  }
  return value;
}

namespace {

// A scalar with a unit (a duration, a size): parsed by `parse`, which
// answers a value or an error; `expected` describes the form to a reader.
template <typename T>
std::optional<T> read_with_unit(ErrorList& errors, const YAML::Node& node, std::string_view path,
                                bool must_be_positive, std::string_view expected,
                                Parsed<T> (*parse)(std::string_view)) {
  if (!node.IsScalar()) {
    errors.add(node,
               prefixed(path, "expected " + std::string(expected) + ", got " + describe(node)));
    return std::nullopt;
  }
  auto parsed = parse(node.Scalar());
  if (!parsed.value) {
    errors.add(node, prefixed(path, parsed.error));
    return std::nullopt;
  }
  if (must_be_positive && *parsed.value == T{}) {
    errors.add(node, prefixed(path, "must be greater than 0"));
    return std::nullopt;
  }
  return parsed.value;
}

}  // namespace

std::optional<Duration> read_duration(ErrorList& errors, const YAML::Node& node,
                                      std::string_view path, bool must_be_positive) {
  return read_with_unit(errors, node, path, must_be_positive, "a duration such as 250ms or 10s",
                        parse_duration);
}

std::optional<std::uint64_t> read_size(ErrorList& errors, const YAML::Node& node,
                                       std::string_view path, bool must_be_positive) {
  return read_with_unit(errors, node, path, must_be_positive, "a size such as 64KiB or 10MiB",
                        parse_size);
}

std::optional<std::vector<std::string>> read_string_list(ErrorList& errors, const YAML::Node& node,
                                                         std::string_view path) {
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) {
    errors.add(node, prefixed(path, "expected a list, got " + describe(node)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const YAML::Node& item : node) {
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      errors.add(item, prefixed(path, "expected a list of strings, got " + describe(item)));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

MapFields::MapFields(ErrorList& errors, const YAML::Node& node, std::string path,
                     std::vector<std::string_view> known_keys)
    : errors_(errors), node_(node), path_(std::move(path)) {
  if (!node.IsMap()) {
    std::string where = path_.empty() ? "the file" : path_;
    errors_.add(node, where + ": expected a map of keys (one of " + join(known_keys) + "), got " +
                          describe(node));
    return;
  }
  is_map_ = true;
  // Entries by value: yaml-cpp's iterator-> hands out a temporary.
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      std::string where = path_.empty() ? std::string() : path_ + ": ";
      errors_.add(key, where + "expected a key name, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(known_keys.begin(), known_keys.end(), name) == known_keys.end()) {
      std::string where = path_.empty() ? "at the top level" : "in " + path_;
      std::string hint = did_you_mean(name, known_keys);
      if (hint.empty()) hint = " (expected one of " + join(known_keys) + ")";
      errors_.add(key, "unknown key '" + name + "' " + where + hint);
      continue;
    }
    if (find(name)) {
      errors_.add(key, "duplicate key '" + path_of(name) + "'");
      continue;
    }
    entries_.emplace_back(name, entry.second);
  }
}

std::string MapFields::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const YAML::Node* MapFields::find(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return &value;
  }
  return nullptr;
}

bool MapFields::require(std::string_view key) {
  if (find(key)) return true;
  if (is_map_) errors_.add(node_, path_of(key) + ": required");
  return false;
}

bool MapFields::read(std::string_view key, std::string& out) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = read_string(errors_, *value, path_of(key));
  if (parsed) out = std::move(*parsed);
  return parsed.has_value();
}

bool MapFields::read(std::string_view key, bool& out) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = read_bool(errors_, *value, path_of(key));
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapFields::read(std::string_view key, unsigned& out, std::uint64_t min, std::uint64_t max) {
  std::uint64_t wide = 0;
  if (!read(key, wide, min, std::min<std::uint64_t>(max, UINT32_MAX))) return false;
  out = static_cast<unsigned>(wide);
  return true;
}

bool MapFields::read(std::string_view key, std::uint64_t& out, std::uint64_t min,
                     std::uint64_t max) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = read_uint(errors_, *value, path_of(key), min, max);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapFields::read(std::string_view key, std::vector<std::string>& out) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = read_string_list(errors_, *value, path_of(key));
  if (parsed) out = std::move(*parsed);
  return parsed.has_value();
}

bool MapFields::read_duration(std::string_view key, Duration& out, bool must_be_positive) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = config::read_duration(errors_, *value, path_of(key), must_be_positive);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapFields::read_number(std::string_view key, double& out, double min, double max,
                            bool min_exclusive) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = config::read_number(errors_, *value, path_of(key), min, max, min_exclusive);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

bool MapFields::read_size(std::string_view key, std::uint64_t& out, bool must_be_positive) {
  const YAML::Node* value = find(key);
  if (!value) return false;
  auto parsed = config::read_size(errors_, *value, path_of(key), must_be_positive);
  if (parsed) out = *parsed;
  return parsed.has_value();
}

}  // namespace centinela::config
