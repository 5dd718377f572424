// The rate-limit stage of a route: decides every policy of the route for
// each request (in-process store, or Redis for policies that use it),
// answers 429 when one refuses, and adds the RateLimit fields to every
// response of the route. Clients in rate_limit.allowlist are never limited.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::limit {

// nullptr when the route has no rate_limit policies.
std::unique_ptr<stage::Stage> make_rate_limit_stage(const config::Config& config,
                                                    const config::RouteConfig& route);

}  // namespace centinela::limit
