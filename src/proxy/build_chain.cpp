#include "proxy/build_chain.h"

#include <memory>
#include <vector>

#include "cache/cache_stage.h"
#include "compress/compression_stage.h"
#include "limit/rate_limit_stage.h"
#include "proxy/waf_route.h"
#include "rewrite/rewrite_stage.h"
#include "security/cors_stage.h"
#include "security/identity_stage.h"
#include "security/security_headers_stage.h"
#include "threat/threat_stage.h"
#include "timing/server_timing_stage.h"

namespace centinela::proxy {
namespace {

using Stages = std::vector<std::unique_ptr<stage::Stage>>;

void add(Stages& stages, std::unique_ptr<stage::Stage> stage) {
  if (stage) stages.push_back(std::move(stage));
}

// The route's cache stage, last in the chain: the one place the cache joins
// it, as cache::make_cache_stage(config, route, *services.cache) once
// src/cache provides the stage. Until then net caches on its own path.
void add_cache_stage(Stages& stages, const config::Config& config, const config::RouteConfig& route,
                     const ChainServices& services) {
  // Last in request order: the first to see a response, so it stores the
  // identity body before compression transforms it.
  if (services.cache == nullptr) return;
  if (auto cache = cache::make_cache_stage(config, route, *services.cache)) {
    stages.push_back(std::move(cache));
  }
}

}  // namespace

bool records_live_stats(const config::Config& config, const ChainServices& services) {
  return config.admin.live_stats && services.admin_listener;
}

pipeline::Chain build_chain(const config::Config& config, const config::RouteConfig& route,
                            const ChainServices& services) {
  Stages stages;
  // First: its response direction runs last, on the response the client
  // gets, after the cache stored its copy (server_timing_stage.h).
  const bool live = records_live_stats(config, services);
  add(stages, timing::make_server_timing_stage(route, live));
  if (config.identity) add(stages, security::make_identity_stage(*config.identity));
  // After identity (user bans need the user), before everything that may
  // answer (its response direction sees every answer of the route).
  add(stages, threat::make_threat_stage(config, route));
  // Before the stages that may answer, so its response edits see their
  // answers too (the response direction runs in reverse).
  add(stages, rewrite::make_rewrite_stage(route));
  add(stages, security::make_security_headers_stage(route.security_headers));
  add(stages, security::make_cors_stage(route.cors));
  add(stages, limit::make_rate_limit_stage(config, route));
  // After the limits (a flood is refused before it costs an inspection),
  // before the cache (an attack never gets a stored answer).
  add(stages, make_route_waf_stage(config, route, services.waf, services.modsec));
  add(stages, compress::make_compression_stage(route.compression, live));
  add_cache_stage(stages, config, route, services);
  return pipeline::Chain(std::move(stages));
}

}  // namespace centinela::proxy
