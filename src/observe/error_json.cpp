#include "observe/error_json.h"

#include <fmt/format.h>

#include "observe/json_escape.h"

namespace centinela::observe {

void append_error_json(std::string& out, unsigned status, std::string_view code,
                       std::string_view message, std::optional<std::string_view> request_id) {
  fmt::format_to(std::back_inserter(out), R"({{"error":{{"status":{},"code":)", status);
  append_json_string(out, code);
  out += R"(,"message":)";
  append_json_string(out, message);
  if (request_id) {
    out += R"(,"request_id":)";
    append_json_string(out, *request_id);
  }
  out += "}}";
}

std::string error_json(unsigned status, std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(64 + message.size());
  append_error_json(out, status, code, message);
  return out;
}

}  // namespace centinela::observe
