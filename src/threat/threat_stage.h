// The threat stage of a route (after identity): refuses users that are
// banned, scores scanner fingerprints on the way in, and on the way out
// turns every response of the route into signals for the client's score —
// 404s (upstream or local), 401/403 (identity, CORS, upstream), 429 (the
// rate limiter). IP bans are answered earlier, at the front door.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::threat {

// nullptr without a top-level `threat` section or with `threat: false` on
// the route.
std::unique_ptr<stage::Stage> make_threat_stage(const config::Config& config,
                                                const config::RouteConfig& route);

}  // namespace centinela::threat
