#include "warm/url_list.h"

#include <fmt/format.h>

#include <cctype>

namespace centinela::warm {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// Visible ASCII only: what may appear unencoded in a request line.
bool is_visible_ascii(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte < 0x7f;
}

bool starts_with_scheme(std::string_view text, std::string_view scheme) {
  if (text.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return true;
}

// host, host:port, [v6], [v6]:port; letters, digits, '-', '.', '_' in names.
bool is_valid_authority(std::string_view authority) {
  if (authority.empty()) return false;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    }
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
    host = {};
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return false;
  }
  if (authority.front() != '[') {
    if (host.empty() || host.size() > 253) return false;
    for (char c : host) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
        return false;
      }
    }
  }
  if (port.size() > 5) return false;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return port.empty() || (value > 0 && value <= 65535);
}

}  // namespace

std::optional<WarmUrl> parse_warm_url(std::string_view text, std::string& error) {
  for (char c : text) {
    if (!is_visible_ascii(c)) {
      error = "spaces, control characters and non-ASCII bytes must be percent-encoded";
      return std::nullopt;
    }
  }
  WarmUrl url;
  std::string_view target = text;
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (!starts_with_scheme(text, scheme)) continue;
    const std::string_view rest = text.substr(scheme.size());
    const auto authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    if (authority.find('@') != std::string_view::npos) {
      error = "user information in a URL is not supported";
      return std::nullopt;
    }
    if (!is_valid_authority(authority)) {
      error = fmt::format("'{}' is not a valid host[:port]", authority);
      return std::nullopt;
    }
    url.host = std::string(authority);
    target =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    break;
  }
  if (url.host.empty() && !target.starts_with('/')) {
    error = "expected an absolute http(s) URL or a path starting with '/'";
    return std::nullopt;
  }
  target = target.substr(0, target.find('#'));
  if (target.empty() || target.front() != '/') url.target = "/";
  url.target += target;
  if (url.target.size() > kMaxTargetBytes) {
    error = fmt::format("longer than {} bytes", kMaxTargetBytes);
    return std::nullopt;
  }
  return url;
}

UrlList parse_url_list(std::string_view text) {
  UrlList list;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    std::string error;
    if (auto url = parse_warm_url(line, error)) {
      list.urls.push_back(std::move(*url));
    } else {
      list.errors.push_back(fmt::format("line {}: {}", line_number, error));
    }
  }
  return list;
}

}  // namespace centinela::warm
