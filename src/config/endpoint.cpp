#include <cctype>
#include <string>

#include "config/address.h"

namespace centinela::config {
namespace {

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

Parsed<Endpoint> parse_endpoint(std::string_view text, std::optional<std::uint16_t> default_port) {
  const std::string quoted = "'" + std::string(text) + "'";
  const std::string example = " (expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080)";
  Endpoint endpoint;
  endpoint.text = std::string(text);
  std::string_view port_text;
  bool has_port = false;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      return {std::nullopt, "bad address " + quoted + ": missing ']'" + example};
    }
    std::string_view host = text.substr(1, close - 1);
    if (host.find(':') == std::string_view::npos || !parse_ip_address(host)) {
      return {std::nullopt, "bad address " + quoted + ": not an IPv6 address in brackets"};
    }
    endpoint.host = std::string(host);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return {std::nullopt, "bad address " + quoted + example};
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      return {std::nullopt,
              "bad address " + quoted + ": IPv6 addresses need brackets, e.g. [::1]:8080"};
    }
    std::string_view host = text.substr(0, colon);
    if (host.empty()) {
      return {std::nullopt, "bad address " + quoted +
                                ": missing host (use 0.0.0.0:PORT to listen on every interface)"};
    }
    if (!is_host_name(host)) return {std::nullopt, "bad address " + quoted + ": bad host name"};
    endpoint.host = std::string(host);
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
  }
  if (!has_port) {
    if (!default_port) return {std::nullopt, "bad address " + quoted + ": missing port" + example};
    endpoint.port = *default_port;
    return {endpoint, {}};
  }
  auto port = parse_unsigned(port_text);
  if (!port || *port < 1 || *port > 65535) {
    return {std::nullopt, "bad address " + quoted + ": port must be a number from 1 to 65535"};
  }
  endpoint.port = static_cast<std::uint16_t>(*port);
  return {endpoint, {}};
}

}  // namespace centinela::config
