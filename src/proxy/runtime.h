// Everything the request path needs from one loaded config: routes with their
// chains of stages, upstream clusters. Immutable once built; a reload builds a new
// Runtime and workers switch to it between requests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "proxy/chain_services.h"
#include "proxy/route.h"
#include "proxy/upstream_cluster.h"

namespace centinela::tls {
class ClientContext;
}

namespace centinela::proxy {

class Runtime {
 public:
  // `previous`: the runtime a reload replaces, whose upstream servers' health
  // the new clusters take over (nullptr at start). `services`: what the
  // routes' stages are built with (proxy/build_chain.h). `upstream_tls`:
  // the TLS context of each upstream with `tls`, by name
  // (tls/upstream_contexts.h). An upstream with `tls` left out of it gets
  // no connection at all, never a cleartext one.
  explicit Runtime(std::shared_ptr<const config::Config> config, const Runtime* previous = nullptr,
                   const ChainServices& services = {},
                   const std::map<std::string, std::shared_ptr<tls::ClientContext>, std::less<>>&
                       upstream_tls = {});

  const config::Config& config() const { return *config_; }
  // Whether requests record the dashboard's live numbers (records_live_stats).
  bool live_stats() const { return live_stats_; }

  // The first route matching host (lower-case, no port), path and method.
  const Route* match(std::string_view host, std::string_view path, std::string_view method) const;

  // Metrics for requests that matched no route.
  RouteMetrics& unmatched_metrics() const { return *unmatched_metrics_; }

  const std::vector<std::unique_ptr<UpstreamCluster>>& clusters() const { return clusters_; }

  // The TLS setup of this generation's Redis connections (ChainServices);
  // null without rediss://. Reloads that change nothing keep the same one.
  const std::shared_ptr<const redis::TlsSetup>& redis_tls() const { return redis_tls_; }

 private:
  std::shared_ptr<const config::Config> config_;
  bool live_stats_;
  std::vector<std::unique_ptr<UpstreamCluster>> clusters_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<RouteMetrics> unmatched_metrics_;
  std::shared_ptr<const redis::TlsSetup> redis_tls_;
};

}  // namespace centinela::proxy
