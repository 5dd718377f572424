// Chain assembly: which stages a route runs, in which order, built once when
// the config loads (and on every reload).
//
// Request order (the response direction runs in reverse):
//   identity → security headers → CORS → rate limit → compression → cache
// Identity first: rate limits, cache keys and the access log use ctx.user.
// The cache last: it stores the identity body before compression transforms
// it, and a hit still meets every other stage's response side; CORS and the
// security headers get the last word on every response.
#pragma once

#include "config/config.h"
#include "pipeline/chain.h"
#include "proxy/chain_services.h"

namespace centinela::proxy {

// The chain of `route`; `config` is the whole config the route belongs to
// (for process-wide settings: identity, rate-limit defaults, Redis).
pipeline::Chain build_chain(const config::Config& config, const config::RouteConfig& route,
                            const ChainServices& services);

}  // namespace centinela::proxy
