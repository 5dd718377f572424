// The TLS contexts of the upstreams that speak TLS (`upstreams.NAME.tls`):
// built on the main thread when a config loads (at start, by `centinela
// check`, on every reload), then shared by every worker through the
// upstream clusters. A CA, certificate or key that does not load is a
// config error, reported at the `tls:` line.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "tls/client_context.h"

namespace centinela::tls {

using UpstreamContexts = std::map<std::string, std::shared_ptr<ClientContext>, std::less<>>;

// One context per upstream with `tls`, by upstream name; each problem joins
// `errors` ("upstreams.NAME.tls: cannot load CA file ...: reason" at the
// line of `tls:` in `config_path`).
UpstreamContexts make_upstream_contexts(const config::Config& config,
                                        const std::string& config_path,
                                        std::vector<config::ConfigError>& errors);

}  // namespace centinela::tls
