// A small JSON reader/writer for what tests inspect: gateway error bodies,
// access-log lines, /health, and the test origin's echo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace itest {

class JsonValue {
 public:
  enum class Kind { null, boolean, number, string, array, object };

  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  bool is_string() const { return kind == Kind::string; }
  bool is_number() const { return kind == Kind::number; }
  bool is_object() const { return kind == Kind::object; }
  bool is_null() const { return kind == Kind::null; }

  // Member `key` of an object, or null when absent / not an object.
  const JsonValue* get(std::string_view key) const;
  // Nested lookup by dotted path: "error.status", "memory.rss_bytes".
  const JsonValue* at(std::string_view dotted_path) const;
  // The string at `dotted_path`, or `fallback` when absent or not a string.
  std::string string_at(std::string_view dotted_path, std::string_view fallback = "") const;
  // The number at `dotted_path`, or nullopt when absent or not a number.
  std::optional<double> number_at(std::string_view dotted_path) const;
};

// Parses one complete JSON text (trailing whitespace allowed).
std::optional<JsonValue> parse_json(std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace itest
