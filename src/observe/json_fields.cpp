#include "observe/json_fields.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "observe/json_escape.h"

namespace centinela::observe {

void append_field_name(std::string& out, std::string_view name) {
  // One append per field name: this runs ~25 times per logged request.
  char text[48];
  if (name.size() + 4 > sizeof text) {
    out.append(",\"").append(name).append("\":");
    return;
  }
  text[0] = ',';
  text[1] = '"';
  std::memcpy(text + 2, name.data(), name.size());
  text[name.size() + 2] = '"';
  text[name.size() + 3] = ':';
  out.append(text, name.size() + 4);
}

void append_string_field(std::string& out, std::string_view name, std::string_view value) {
  append_field_name(out, name);
  append_json_string_or_null(out, value);
}

void append_uint_value(std::string& out, std::uint64_t value) {
  // to_chars and one append: fmt's back_inserter pushes a character at a time.
  char text[24];
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
}

void append_int_value(std::string& out, std::int64_t value) {
  char text[24];
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
}

void append_uint_field(std::string& out, std::string_view name, std::uint64_t value) {
  append_field_name(out, name);
  append_uint_value(out, value);
}

bool is_measured_ms(double ms) { return std::isfinite(ms) && ms >= 0 && ms <= 1e12; }

void append_ms_value(std::string& out, double ms) {
  if (!is_measured_ms(ms)) {
    out.append("null");
    return;
  }
  // Integer microseconds printed as ms.mmm: float formatting costs ~10x more.
  const auto us = static_cast<std::uint64_t>(ms * 1000.0 + 0.5);
  char text[32];
  char* end = std::to_chars(text, text + 24, us / 1000).ptr;
  const auto fraction = static_cast<unsigned>(us % 1000);
  end[0] = '.';
  end[1] = static_cast<char>('0' + fraction / 100);
  end[2] = static_cast<char>('0' + fraction / 10 % 10);
  end[3] = static_cast<char>('0' + fraction % 10);
  out.append(text, end + 4);
}

void append_ms_field(std::string& out, std::string_view name, double ms) {
  append_field_name(out, name);
  append_ms_value(out, ms);
}

void append_origin_timing_value(std::string& out, std::span<const OriginTiming> timings) {
  out.push_back('{');
  bool first = true;
  for (const OriginTiming& timing : timings) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    append_json_escaped(out, timing.name);
    out.append("\":");
    append_ms_value(out, timing.dur_ms);
  }
  out.push_back('}');
}

}  // namespace centinela::observe
