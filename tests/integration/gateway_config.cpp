#include "gateway_config.h"

#include <fmt/format.h>

namespace itest {

std::string yaml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ", ";
    out += "\"" + item + "\"";
  }
  return out + "]";
}

std::string GatewayConfig::render() const {
  std::string yaml = "server:\n";
  yaml += fmt::format("  listen: [\"127.0.0.1:{}\"]\n", listen_port);
  yaml += fmt::format("  workers: {}\n", workers);
  yaml += fmt::format("  drain_timeout: {}\n", drain_timeout);
  if (!limits.empty()) yaml += fmt::format("  limits: {{{}}}\n", limits);
  if (!trusted_proxies.empty()) yaml += "  trusted_proxies: " + yaml_list(trusted_proxies) + "\n";
  yaml += fmt::format("admin:\n  listen: \"127.0.0.1:{}\"\n", admin_port);
  if (!access_log_path.empty() || !log_extra.empty()) {
    yaml += "log:\n";
    if (!access_log_path.empty() && !access_log_format.empty()) {
      yaml += fmt::format("  access: {{path: \"{}\", format: {}}}\n", access_log_path,
                          access_log_format);
    } else if (!access_log_path.empty()) {
      yaml += fmt::format("  access: {{path: \"{}\"}}\n", access_log_path);
    }
    for (const std::string& line : log_extra) yaml += "  " + line + "\n";
  }
  yaml += "upstreams:\n";
  for (const auto& [name, body] : upstreams) yaml += fmt::format("  {}: {}\n", name, body);
  yaml += "routes:\n";
  for (const std::string& route : routes) yaml += "  - " + route + "\n";
  return yaml;
}

}  // namespace itest
