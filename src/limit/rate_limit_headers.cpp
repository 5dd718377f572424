#include "limit/rate_limit_headers.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace centinela::limit {

void append_sf_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c >= 0x20 && c < 0x7f) {
      out += c;
    }
  }
  out += '"';
}

std::int64_t window_seconds(const Policy& policy) {
  return std::max<std::int64_t>(ceil_seconds(policy.window_ns), 1);
}

std::int64_t retry_after_seconds(const Decision& decision) {
  return std::max<std::int64_t>(ceil_seconds(decision.retry_after_ns), 1);
}

std::string format_policy_field(std::span<const Policy> policies) {
  std::string out;
  for (const Policy& policy : policies) {
    if (!out.empty()) out += ", ";
    append_sf_string(out, policy.name);
    fmt::format_to(std::back_inserter(out), ";q={};w={}", policy.limit, window_seconds(policy));
  }
  return out;
}

void append_limit_member(std::string& out, const Policy& policy, const Decision& decision) {
  if (!out.empty()) out += ", ";
  append_sf_string(out, policy.name);
  // Runs per response: plain integer formatting, no format-string parsing.
  char text[64];
  char* p = text;
  *p++ = ';';
  *p++ = 'r';
  *p++ = '=';
  p = std::to_chars(p, text + 30, decision.remaining).ptr;
  *p++ = ';';
  *p++ = 't';
  *p++ = '=';
  p = std::to_chars(p, text + 62, ceil_seconds(decision.reset_ns)).ptr;
  out.append(text, p);
}

stage::LocalResponse make_rate_limited_response(std::int64_t retry_after_s,
                                                std::string_view message,
                                                std::string_view request_id) {
  stage::LocalResponse response = stage::make_error_response(429, message, request_id);
  // make_error_response ends the body with the two closing braces of the
  // error object and the envelope; retry_after_s goes inside the first.
  std::string& body = response.body;
  if (body.size() >= 2 && body.ends_with("}}")) {
    body.resize(body.size() - 2);
    fmt::format_to(std::back_inserter(body), R"(,"retry_after_s":{}}}}})", retry_after_s);
  }
  response.headers.set(boost::beast::http::field::retry_after, std::to_string(retry_after_s));
  return response;
}

}  // namespace centinela::limit
