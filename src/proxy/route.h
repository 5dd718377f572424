// A route as the request path uses it: its matcher, its upstream and its
// filter chain, all resolved when the config loads.
#pragma once

#include <boost/regex.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "proxy/filter.h"
#include "proxy/route_metrics.h"
#include "proxy/static_header_block.h"

namespace centinela::proxy {

class UpstreamCluster;

class Route {
 public:
  Route(const config::RouteConfig& config, UpstreamCluster& upstream,
        std::vector<std::unique_ptr<Filter>> filters);

  const std::string& name() const { return config_.name; }
  const config::RouteConfig& config() const { return config_; }
  UpstreamCluster& upstream() const { return *upstream_; }
  const std::vector<std::unique_ptr<Filter>>& filters() const { return filters_; }
  RouteMetrics& metrics() const { return *metrics_; }
  // The static response headers of the chain (written by the gateway itself).
  const StaticHeaderBlock& static_headers() const { return static_headers_; }

  bool matches_path(std::string_view path) const;
  bool matches_host(std::string_view host) const;  // host without port, lower-case
  bool allows_method(std::string_view method) const;

 private:
  config::RouteConfig config_;
  UpstreamCluster* upstream_;
  std::vector<std::unique_ptr<Filter>> filters_;
  // Boost.Regex, not std::regex: its matcher is not recursive, so a long
  // path cannot overflow the stack, and runaway patterns hit a bound.
  std::optional<boost::regex> regex_;
  std::unique_ptr<RouteMetrics> metrics_;
  StaticHeaderBlock static_headers_;
};

}  // namespace centinela::proxy
