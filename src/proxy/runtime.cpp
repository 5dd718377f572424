#include "proxy/runtime.h"

#include "limit/rate_limit_filter.h"
#include "security/cors_filter.h"
#include "security/identity_filter.h"
#include "security/security_headers_filter.h"

namespace centinela::proxy {

std::vector<std::unique_ptr<Filter>> build_filter_chain(const config::Config& config,
                                                        const config::RouteConfig& route) {
  std::vector<std::unique_ptr<Filter>> chain;
  auto add = [&chain](std::unique_ptr<Filter> filter) {
    if (filter) chain.push_back(std::move(filter));
  };
  // Request order. Response filters run in reverse, so security headers (first
  // here) get the last word on the response.
  // Identity first, as rate limits, cache keys and the access log use
  // ctx.user; it has no response side.
  if (config.identity) add(security::make_identity_filter(*config.identity));
  add(security::make_security_headers_filter(route.security_headers));
  add(security::make_cors_filter(route.cors));
  add(limit::make_rate_limit_filter(config, route));
  return chain;
}

Runtime::Runtime(std::shared_ptr<const config::Config> config, const Runtime* previous)
    : config_(std::move(config)), unmatched_metrics_(std::make_unique<RouteMetrics>("no_route")) {
  std::map<std::string, UpstreamCluster*, std::less<>> by_name;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [name, upstream] : config_->upstreams) {
    clusters_.push_back(std::make_unique<UpstreamCluster>(upstream));
    by_name[name] = clusters_.back().get();
    if (previous == nullptr) continue;
    for (const auto& old : previous->clusters_) {
      if (old->name() == name) clusters_.back()->inherit_health(*old, now);
    }
  }
  for (const auto& route : config_->routes) {
    // The loader guarantees every route names a defined upstream.
    routes_.push_back(std::make_unique<Route>(route, *by_name.at(route.upstream),
                                              build_filter_chain(*config_, route)));
  }
}

const Route* Runtime::match(std::string_view host, std::string_view path,
                            std::string_view method) const {
  for (const auto& route : routes_) {
    if (route->matches_host(host) && route->matches_path(path) && route->allows_method(method)) {
      return route.get();
    }
  }
  return nullptr;
}

}  // namespace centinela::proxy
