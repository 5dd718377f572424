// The JSON of the live numbers: percentiles of a latency series over 1, 5
// and 15 minutes (/admin/stats), and the dashboard's poll answer
// (/admin/dashboard.json). Latencies are in milliseconds.
#pragma once

#include <cstdint>
#include <string>

#include "admin/admin_server.h"

namespace centinela::observe {
class LatencyWindows;
}
namespace centinela::proxy {
class Runtime;
}

namespace centinela::admin {

// `"p50":…,"p95":…,"p99":…,"1m":{"count","p50","p90","p95","p99","max"},"5m":…,"15m":…`
// (object members without the braces); the bare p50 / p95 / p99 are the 5m
// window's. `now`: the current unix second.
std::string latency_members(const observe::LatencyWindows& windows, std::int64_t now);

// /admin/stats' and the dashboard's upstreams: each server's state, in-flight
// requests and ejections, and the upstream's latency_members().
std::string upstreams_live_json(const proxy::Runtime& runtime, std::int64_t now);

// The dashboard's poll: the per-second series after `since` (unix seconds;
// 0: all 15 minutes), the routes' per-second percentiles, and the current
// state (upstreams, Redis, top limited keys, slow requests, cache).
std::string dashboard_json(const AdminSources& sources, std::int64_t since, std::int64_t now);

// The current unix second.
std::int64_t unix_now();

}  // namespace centinela::admin
