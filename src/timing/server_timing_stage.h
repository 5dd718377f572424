// The route's Server-Timing stage: first in the chain, so its response
// direction is the last to run and sees the response the client gets,
// whoever made it, after the cache stored its copy.
//  - A response relayed from the upstream: the origin's metrics are read
//    (origin_timing_reader.h) into ctx.origin_timing (access log, slow
//    requests) and the route's histograms (origin_timing_metrics.h). A stored
//    response is never read: its timings are not this request's.
//  - The origin's field reaches the client or not by `server_timing.origin`
//    (a stored one is served as stored, as Varnish and nginx do).
//  - `server_timing.add`: the gateway's own metrics are appended.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::timing {

// Every route has one: the origin's timings are read (metrics, log)
// whatever reaches the client. `live_stats` (admin.live_stats): they also go
// to the dashboard's windows.
std::unique_ptr<stage::Stage> make_server_timing_stage(const config::RouteConfig& route,
                                                       bool live_stats = true);

}  // namespace centinela::timing
