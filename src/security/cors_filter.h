// Cross-Origin Resource Sharing (Fetch standard) answered by the gateway:
// preflights never reach the upstream, and actual responses get the
// Access-Control-* fields of the route's policy.
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
#include "proxy/filter.h"

namespace centinela::security {

// nullptr when the config is disabled.
std::unique_ptr<proxy::Filter> make_cors_filter(const config::CorsConfig& config);

}  // namespace centinela::security
