// What every normalised path and authority must satisfy, checked by the
// request_head and request_target fuzz targets.
#pragma once

#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "http/authority.h"
#include "http/chars.h"
#include "http/request_target.h"

namespace fuzz_http {

using namespace centinela;

// A normalised path: starts with '/', has no dot segment and no "//", only
// pchar, '/' and %XX escapes, every escape upper-case and of a reserved or
// non-ASCII byte, and normalising it again changes nothing.
inline void check_normal_path(std::string_view path) {
  fuzz_check(!path.empty() && path.front() == '/', "normal path does not start with '/'");
  fuzz_check(path.find("//") == std::string_view::npos, "normal path has '//'");
  std::size_t segment_start = 1;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    const std::string_view segment = path.substr(segment_start, i - segment_start);
    fuzz_check(segment != "." && segment != "..", "normal path has a dot segment");
    segment_start = i + 1;
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%') {
      fuzz_check(i + 2 < path.size(), "normal path has a truncated escape");
      const int high = http::hex_value(path[i + 1]);
      const int low = http::hex_value(path[i + 2]);
      fuzz_check(high >= 0 && low >= 0, "normal path has a bad escape");
      fuzz_check(!(path[i + 1] >= 'a' && path[i + 1] <= 'f') &&
                     !(path[i + 2] >= 'a' && path[i + 2] <= 'f'),
                 "normal path has lower-case hex");
      fuzz_check(!http::is_unreserved(static_cast<char>(high * 16 + low)),
                 "normal path has an escaped unreserved character");
      i += 2;
    } else {
      fuzz_check(c == '/' || http::is_pchar(c), "normal path has a byte outside RFC 3986");
    }
  }
  std::string again;
  const http::PathResult result = http::normalize_path(path, again);
  fuzz_check(result.ok(), "a normal path is refused");
  fuzz_check(again == path, "path normalisation is not idempotent");
}

// An accepted authority re-validates to itself with the same host size, and
// holds only what a reg-name, an IPv6 literal and a port may.
inline void check_normal_authority(std::string_view authority, std::size_t host_size) {
  fuzz_check(host_size > 0 && host_size <= authority.size(), "host size out of range");
  for (const char c : authority) {
    fuzz_check(http::is_unreserved(c) || c == ':' || c == '[' || c == ']',
               "normal authority has a byte no host or port has");
    fuzz_check(!(c >= 'A' && c <= 'Z'), "normal authority is not lower-case");
  }
  const std::string_view port = authority.substr(host_size);
  fuzz_check(port.empty() || (port.size() >= 2 && port.front() == ':'), "port without ':'");
  std::string again;
  const http::AuthorityResult result = http::normalize_authority(authority, again);
  fuzz_check(result.ok(), "an accepted authority does not re-validate");
  fuzz_check(again == authority, "authority normalisation is not idempotent");
  fuzz_check(result.host_size == host_size, "host size changed on re-validation");
}

}  // namespace fuzz_http
