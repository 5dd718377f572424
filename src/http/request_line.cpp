#include "http/request_line.h"

#include "http/chars.h"

namespace centinela::http {
namespace {

// Request-target bytes as the line delimits them: no SP, no controls.
// Which of them a target may really contain is request_target.h's concern.
bool is_target_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7F;
}

}  // namespace

RequestLineError parse_request_line(std::string_view line, RequestLine& out) {
  const std::size_t method_end = line.find(' ');
  if (method_end == 0 || method_end == std::string_view::npos) return RequestLineError::malformed;
  const std::string_view method = line.substr(0, method_end);
  for (const char c : method) {
    if (!is_tchar(c)) return RequestLineError::malformed;
  }
  const std::size_t target_start = method_end + 1;
  const std::size_t target_end = line.find(' ', target_start);
  // No second space: HTTP/0.9's "GET /", which has no version to answer in.
  if (target_end == std::string_view::npos || target_end == target_start) {
    return RequestLineError::malformed;
  }
  const std::string_view target = line.substr(target_start, target_end - target_start);
  for (const char c : target) {
    if (!is_target_byte(c)) return RequestLineError::malformed;
  }
  const std::string_view version = line.substr(target_end + 1);
  if (version.size() != 8 || !version.starts_with("HTTP/") || !is_digit(version[5]) ||
      version[6] != '.' || !is_digit(version[7])) {
    return RequestLineError::malformed;
  }
  const unsigned number =
      static_cast<unsigned>(version[5] - '0') * 10 + static_cast<unsigned>(version[7] - '0');
  if (number != 10 && number != 11) return RequestLineError::unsupported_version;
  out.method = method;
  out.target = target;
  out.version = number;
  return RequestLineError::none;
}

RequestLineError check_first_line(std::string_view data) {
  std::size_t start = 0;
  while (data.substr(start, 2) == "\r\n") start += 2;
  const std::size_t end = data.find("\r\n", start);
  if (end == std::string_view::npos) return RequestLineError::none;
  RequestLine ignored;
  return parse_request_line(data.substr(start, end - start), ignored);
}

}  // namespace centinela::http
