#include "http/http2_fields.h"

#include <array>

#include "http/chars.h"

namespace centinela::http {

namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_tchar(c) || (c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

bool valid_value(std::string_view value) {
  for (char c : value) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
  }
  if (value.empty()) return true;
  const auto is_ws = [](char c) { return c == ' ' || c == '\t'; };
  return !is_ws(value.front()) && !is_ws(value.back());
}

constexpr std::array<std::string_view, 5> kConnectionSpecific = {
    "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"};

}  // namespace

Http2FieldVerdict check_http2_field(std::string_view name, std::string_view value) {
  if (!valid_name(name)) return Http2FieldVerdict::bad_name;
  if (!valid_value(value)) return Http2FieldVerdict::bad_value;
  for (auto specific : kConnectionSpecific) {
    if (name == specific) return Http2FieldVerdict::connection_specific;
  }
  if (name == "te" && value != "trailers") return Http2FieldVerdict::bad_te;
  return Http2FieldVerdict::ok;
}

}  // namespace centinela::http
