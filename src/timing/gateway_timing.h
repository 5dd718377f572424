// The gateway's own Server-Timing metrics (`server_timing.add`), and who may
// see the origin's (`server_timing.origin`).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "config/config.h"

namespace centinela::timing {

struct GatewayTiming {
  std::string_view cache;   // the X-Cache value (HIT, MISS, ...); empty: no cache on the route
  double gateway_ms = -1;   // time in the gateway up to the response head, the upstream's excluded
  double upstream_ms = -1;  // connect to the upstream's response head; -1: no upstream head
};

inline constexpr std::size_t kGatewayTimingBytes = 96;

// `cache;desc=hit, gw;dur=0.412, upstream;dur=12.034` (members left out when
// unknown), written into `buffer`; the view points into it.
std::string_view format_gateway_timing(const GatewayTiming& timing,
                                       std::span<char, kGatewayTimingBytes> buffer);

// Whether a client at `client_ip` (the resolved client: X-Forwarded-For
// honoured from trusted proxies only, canonical text) gets the origin's
// Server-Timing under `mode`.
bool relays_origin_timing(config::ServerTimingConfig::Origin mode, std::string_view client_ip);

}  // namespace centinela::timing
