#include "admin/admin_guard.h"

#include <algorithm>

#include "config/address.h"

namespace centinela::admin {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_port(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool host_allowed(std::string_view host, const std::vector<std::string>& allowed_hosts) {
  if (host.empty()) return true;  // HTTP/1.0 tools; browsers always send Host
  std::string_view name;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) return false;
    return config::parse_ip_address(host.substr(1, close - 1)).has_value();
  }
  const auto colon = host.find(':');
  name = host.substr(0, colon);
  if (colon != std::string_view::npos && !is_port(host.substr(colon + 1))) return false;
  if (name.empty()) return false;
  // A browser writes an IPv4 host in dotted form; one it reached by address
  // has no name an attacker could point elsewhere.
  if (name.find_first_not_of("0123456789.") == std::string_view::npos &&
      config::parse_ip_address(name)) {
    return true;
  }
  if (iequals(name, "localhost") || iends_with(name, ".localhost")) return true;
  return std::any_of(
      allowed_hosts.begin(), allowed_hosts.end(),
      [name](const std::string& allowed) { return allowed == "*" || iequals(name, allowed); });
}

std::string_view browser_refusal(const AdminRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return {};
  if (request.origin) return "requests from web pages (Origin) may not change the gateway";
  if (request.sec_fetch_site && !iequals(trim(*request.sec_fetch_site), "none") &&
      !iequals(trim(*request.sec_fetch_site), "same-origin")) {
    return "requests from other sites (Sec-Fetch-Site) may not change the gateway";
  }
  if (request.content_type) {
    const std::string_view type =
        trim(request.content_type->substr(0, request.content_type->find(';')));
    if (!iequals(type, "application/json")) return "the body must be application/json";
  } else if (!request.body.empty()) {
    return "the body must be application/json (Content-Type)";
  }
  return {};
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return false;
  }
  const std::string_view given = trim(authorization.substr(kScheme.size()));
  // Every byte of the token is looked at whatever was presented, so the time
  // taken says nothing about how much of a guess matched, nor its length.
  unsigned diff = given.size() == token.size() ? 0u : 1u;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const unsigned char presented =
        i < given.size() ? static_cast<unsigned char>(given[i]) : static_cast<unsigned char>(0);
    diff |= presented ^ static_cast<unsigned char>(token[i]);
  }
  return diff == 0 && !token.empty();
}

}  // namespace centinela::admin
