// Sets the route's security headers (Helmet-style defaults plus overrides) on
// every response and strips headers that advertise the origin's software.
#pragma once

#include <memory>

#include "config/config.h"
#include "proxy/filter.h"

namespace centinela::security {

// nullptr when the config is disabled (the route's chain then skips it).
std::unique_ptr<proxy::Filter> make_security_headers_filter(
    const config::SecurityHeadersConfig& config);

}  // namespace centinela::security
