// A route as the request path uses it: its matcher, its upstream and its
// chain of stages, all resolved when the config loads.
#pragma once

#include <boost/regex.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "pipeline/chain.h"
#include "proxy/route_metrics.h"
#include "proxy/tunnel_metrics.h"

namespace centinela::proxy {

class UpstreamCluster;

class Route {
 public:
  // `live_stats`: admin.live_stats of the config the route belongs to.
  Route(const config::RouteConfig& config, UpstreamCluster& upstream, pipeline::Chain chain,
        bool live_stats = true);

  const std::string& name() const { return config_.name; }
  const config::RouteConfig& config() const { return config_; }
  UpstreamCluster& upstream() const { return *upstream_; }
  // The stages every request of the route runs through (proxy/build_chain.h).
  const pipeline::Chain& chain() const { return chain_; }
  RouteMetrics& metrics() const { return *metrics_; }
  // The stages a WebSocket handshake runs through: the chain without the
  // cache and compression (a tunnel is neither stored nor encoded).
  const pipeline::Chain& handshake_chain() const { return handshake_chain_; }
  // Null when the route refuses upgrades (`websocket: false`).
  TunnelMetrics* tunnels() const { return tunnels_.get(); }

  bool matches_path(std::string_view path) const;
  bool matches_host(std::string_view host) const;  // host without port, lower-case
  bool allows_method(std::string_view method) const;

 private:
  config::RouteConfig config_;
  UpstreamCluster* upstream_;
  pipeline::Chain chain_;
  // Boost.Regex, not std::regex: its matcher is not recursive, so a long
  // path cannot overflow the stack, and runaway patterns hit a bound.
  std::optional<boost::regex> regex_;
  std::unique_ptr<RouteMetrics> metrics_;
  pipeline::Chain handshake_chain_;  // borrows chain_'s stages
  std::unique_ptr<TunnelMetrics> tunnels_;
};

}  // namespace centinela::proxy
