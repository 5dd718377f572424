#include "observe/prometheus_text.h"

#include <fmt/format.h>

#include <cmath>

#include "observe/utf8.h"

namespace centinela::observe::prometheus {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The exposition format escapes backslash and newline, and in label values
// the double quote too; invalid UTF-8 becomes U+FFFD.
void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  for (std::size_t pos = 0; pos < text.size();) {
    const char c = text[pos];
    if (static_cast<unsigned char>(c) >= 0x80) {
      pos += append_utf8_or_replacement(out, text, pos);
      continue;
    }
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '"' && escape_quote) {
      out.append("\\\"");
    } else {
      out.push_back(c);
    }
    ++pos;
  }
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_name_start(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(is_name_start(c) || is_digit(c) || c == ':')) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!(is_name_start(c) || is_digit(c))) return false;
  }
  return true;
}

void append_label_value(std::string& out, std::string_view value) {
  append_escaped(out, value, /*escape_quote=*/true);
}

void append_help_text(std::string& out, std::string_view help) {
  append_escaped(out, help, /*escape_quote=*/false);
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
  } else if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_value(std::string& out, std::uint64_t value) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void append_family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type) {
  out.append("# HELP ").append(name).push_back(' ');
  append_help_text(out, help);
  out.append("\n# TYPE ").append(name).push_back(' ');
  out.append(type).push_back('\n');
}

}  // namespace centinela::observe::prometheus
