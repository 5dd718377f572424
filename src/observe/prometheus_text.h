// Pieces of the Prometheus text exposition format 0.0.4.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace centinela::observe::prometheus {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool is_valid_label_name(std::string_view name);

// Label value: backslash, double quote and newline escaped; invalid UTF-8
// replaced by U+FFFD (the parser rejects it).
void append_label_value(std::string& out, std::string_view value);
// HELP text: backslash and newline escaped, invalid UTF-8 replaced.
void append_help_text(std::string& out, std::string_view help);

// Sample values: shortest round-trip form; +Inf, -Inf, NaN spelled as the
// format wants them.
void append_value(std::string& out, double value);
void append_value(std::string& out, std::uint64_t value);

// "# HELP name help\n# TYPE name type\n"
void append_family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type);

}  // namespace centinela::observe::prometheus
