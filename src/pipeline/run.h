// Runs one request through a route's chain between a downstream (the client)
// and an upstream: the request direction in chain order — a stage may answer
// right there — then the upstream unless one did, then the response direction
// in reverse order for whatever response the client gets (the upstream's, a
// local answer, a stored one, or the error for a failed upstream). Every
// response meets the same stages; every stage's on_finish runs at the end.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "pipeline/chain.h"
#include "stage/downstream.h"
#include "stage/request_context.h"
#include "stage/upstream.h"

namespace centinela::pipeline {

// True when the client got a whole response.
boost::asio::awaitable<bool> run(const Chain& chain, stage::RequestContext& ctx,
                                 stage::Downstream& downstream, stage::Upstream& upstream);

// Sends a response the gateway made before the chain could see the request
// (no route matched, the target was refused) through the chain's response
// direction. True when the client got all of it.
boost::asio::awaitable<bool> respond(const Chain& chain, stage::RequestContext& ctx,
                                     stage::Downstream& downstream, stage::LocalResponse response);

}  // namespace centinela::pipeline
