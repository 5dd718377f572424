#include "proxy/runtime.h"

#include "proxy/build_chain.h"

namespace centinela::proxy {

Runtime::Runtime(
    std::shared_ptr<const config::Config> config, const Runtime* previous,
    const ChainServices& services,
    const std::map<std::string, std::shared_ptr<tls::ClientContext>, std::less<>>& upstream_tls)
    : config_(std::move(config)),
      live_stats_(records_live_stats(*config_, services)),
      unmatched_metrics_(std::make_unique<RouteMetrics>("no_route", false, live_stats_)),
      redis_tls_(services.redis_tls) {
  // admin.live_stats is decided here, once per config: with it off (or no
  // admin listener to show them), routes, clusters and stages are built
  // without the dashboard's windows and the request path never looks at them.
  const bool live = live_stats_;
  std::map<std::string, UpstreamCluster*, std::less<>> by_name;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [name, upstream] : config_->upstreams) {
    const auto tls = upstream_tls.find(name);
    clusters_.push_back(std::make_unique<UpstreamCluster>(
        upstream, live, tls == upstream_tls.end() ? nullptr : tls->second));
    by_name[name] = clusters_.back().get();
    if (previous == nullptr) continue;
    for (const auto& old : previous->clusters_) {
      if (old->name() == name) clusters_.back()->inherit_health(*old, now);
    }
  }
  for (const auto& route : config_->routes) {
    // The loader guarantees every route names a defined upstream.
    routes_.push_back(std::make_unique<Route>(route, *by_name.at(route.upstream),
                                              build_chain(*config_, route, services), live));
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
