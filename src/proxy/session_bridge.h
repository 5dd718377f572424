// How net's HTTP/1.1 session runs a route's chain until it runs
// pipeline::run (issue 12): the request verdicts and the response-head edits
// of the stages net has no code of its own for — identity, security headers,
// CORS, rate limit. net still compresses and caches on its own path, so the
// compression and cache stages are left out here. Goes with net's old session.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>

#include "proxy/request_context.h"
#include "proxy/route.h"

namespace centinela::proxy {

// Whether one of those stages needs I/O to decide (the Redis rate limit):
// then await run_request_stages, else run_request_stages_now (no coroutine).
bool request_stages_need_io(const Route& route);

// The request direction, in chain order: the response a stage answered with,
// or nullopt when the request goes on.
boost::asio::awaitable<std::optional<LocalResponse>> run_request_stages(const Route& route,
                                                                        RequestContext& ctx);
std::optional<LocalResponse> run_request_stages_now(const Route& route, RequestContext& ctx);

// The response direction's head edits (CORS), in reverse chain order, applied to a
// head net is about to write (ctx.response_headers and the static lines are
// net's own business there).
void run_response_stages(const Route& route, RequestContext& ctx, ResponseHead& head);

}  // namespace centinela::proxy
