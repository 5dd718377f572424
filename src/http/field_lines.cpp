#include "http/field_lines.h"

#include "http/chars.h"

namespace centinela::http {

bool is_field_value(std::string_view value) {
  for (const char c : value) {
    if (!is_field_value_char(c)) return false;
  }
  return true;
}

bool FieldLineReader::next(FieldLine& line) {
  if (malformed_ || rest_.empty()) return false;
  std::size_t colon = 0;
  while (colon < rest_.size() && is_tchar(rest_[colon])) ++colon;
  const std::size_t end = rest_.find("\r\n");
  if (colon == 0 || colon >= rest_.size() || rest_[colon] != ':' || end == std::string_view::npos ||
      end < colon) {
    malformed_ = true;
    return false;
  }
  std::string_view value = rest_.substr(colon + 1, end - colon - 1);
  if (!is_field_value(value)) {  // also catches a bare CR or LF before the CRLF
    malformed_ = true;
    return false;
  }
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  line.name = rest_.substr(0, colon);
  line.value = value;
  rest_.remove_prefix(end + 2);
  return true;
}

bool is_field_block(std::string_view block) {
  FieldLineReader reader(block);
  FieldLine line;
  while (reader.next(line)) {
  }
  return !reader.malformed();
}

}  // namespace centinela::http
