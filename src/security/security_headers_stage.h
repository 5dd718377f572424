// The security-headers stage: sets the route's security headers (Helmet-style
// defaults plus overrides) on every response, whoever made it, and strips
// headers that advertise the origin's software. Its whole work is a fixed set
// of lines and names, so it offers them as StaticResponseHeaders: the chain
// renders them once and adds them to each response without a lookup.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::security {

// nullptr when the config is disabled or sets and removes nothing (the
// route's chain then has no such stage).
std::unique_ptr<stage::Stage> make_security_headers_stage(
    const config::SecurityHeadersConfig& config);

}  // namespace centinela::security
