// The request line (RFC 9112 §3): method SP request-target SP HTTP-version,
// read strictly — single spaces, a token method, "HTTP/" DIGIT "." DIGIT.
// Checked as soon as the line is complete, before the rest of the head
// arrives, so a line that can never start a valid request (HTTP/0.9's
// "GET /") is answered at once rather than when the header timer fires.
#pragma once

#include <string_view>

namespace centinela::http {

enum class RequestLineError {
  none,
  malformed,            // 400: not method SP target SP version (HTTP/0.9 lines included)
  unsupported_version,  // 505: a well-formed version other than HTTP/1.0 and HTTP/1.1
};

struct RequestLine {
  std::string_view method;
  std::string_view target;  // any bytes but SP and controls; validated by request_target.h
  unsigned version = 0;     // 10 or 11
};

// `line` without its CRLF.
RequestLineError parse_request_line(std::string_view line, RequestLine& out);

// The first line of a head being received, once its CRLF is there: `data` is
// what has arrived, leading empty lines included. Returns none while the line
// is incomplete, so the caller keeps reading.
RequestLineError check_first_line(std::string_view data);

}  // namespace centinela::http
