#include "proxy/route.h"

#include <algorithm>

namespace centinela::proxy {

Route::Route(const config::RouteConfig& config, UpstreamCluster& upstream, pipeline::Chain chain,
             bool live_stats)
    : config_(config),
      upstream_(&upstream),
      chain_(std::move(chain)),
      metrics_(std::make_unique<RouteMetrics>(config.name, config.cache.enabled, live_stats)) {
  if (config_.websocket.enabled) {
    static constexpr std::string_view kNotForTunnels[] = {"cache", "compression"};
    handshake_chain_ = pipeline::Chain::borrowing_except(chain_, kNotForTunnels);
    tunnels_ = std::make_unique<TunnelMetrics>(config_.name, config_.websocket.max_tunnels);
  }
  if (!config_.match.regex.empty()) {
    // The loader compiled the same pattern with the same engine, so this
    // cannot throw for a loaded config.
    regex_.emplace(config_.match.regex, boost::regex::perl);
  }
}

bool Route::matches_path(std::string_view path) const {
  const auto& m = config_.match;
  if (!m.exact.empty()) return path == m.exact;
  if (!m.prefix.empty()) return path.starts_with(m.prefix);
  if (regex_) {
    try {
      return boost::regex_match(path.begin(), path.end(), *regex_);
    } catch (const std::runtime_error&) {
      return false;  // too complex to decide within Boost.Regex's bounds: no match
    }
  }
  return true;
}

bool Route::matches_host(std::string_view host) const {
  const std::string& want = config_.match.host;
  if (want.empty()) return true;
  if (want.starts_with("*.")) {
    // "*.example.com" matches "a.example.com" and "a.b.example.com", not "example.com".
    const std::string_view suffix = std::string_view(want).substr(1);
    return host.size() > suffix.size() && host.ends_with(suffix);
  }
  return host == want;
}

bool Route::allows_method(std::string_view method) const {
  const auto& methods = config_.match.methods;
  return methods.empty() || std::find(methods.begin(), methods.end(), method) != methods.end();
}

}  // namespace centinela::proxy
