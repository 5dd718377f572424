// The request path of a route with `cache`: look the request up in L1, then
// L2 (Redis), then ask the upstream — once per key across workers
// (coalescing) — judging freshness by RFC 9111 and storing what may be
// stored. Unsafe methods go upstream and invalidate what they changed.
#pragma once

#include <string_view>

#include "net/exchange.h"

namespace centinela::net {

// `host` is lower-case without port; `query` is the raw query (no '?').
asio::awaitable<void> serve_with_cache(Exchange& ex, std::string_view host, std::string_view query);

}  // namespace centinela::net
