// The CORS stage: Cross-Origin Resource Sharing (Fetch standard) answered by
// the gateway. Preflights never reach the upstream (the request side answers
// them), and every other response — from the upstream, the cache or the
// gateway — gets the Access-Control-* fields of the route's policy.
//
// When a route enables CORS the gateway is the only source of these fields: an
// upstream's own Access-Control-Allow-Origin / -Allow-Credentials /
// -Expose-Headers are replaced, or removed when the origin is not allowed.
//
// allow_origins entries are origins ("https://app.example.com", compared
// case-insensitively, a trailing '/' ignored), "*" (any origin), or
// "scheme://*.domain[:port]" (any subdomain, at any depth, of domain).
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::security {

// nullptr when the config is disabled.
std::unique_ptr<stage::Stage> make_cors_stage(const config::CorsConfig& config);

}  // namespace centinela::security
