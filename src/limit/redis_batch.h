// Batching of the shared store's decisions: the Redis decisions a worker's
// requests ask for during two turns of its event loop (kRedisBatchTurns)
// leave together, as ONE script call (EVALSHA), instead of one call each.
// Redis pays a call's fixed cost (reading and dispatching the command, the
// script's setup, TIME, reading and writing each key once, the reply, the
// system calls) once per batch; under load that is most of what a decision
// costs it.
//
// The first request opens the batch and schedules its sending behind every
// handler already queued on the loop and those of the loop's next poll of
// its sockets, so the requests of both turns join it meanwhile. Semantics
// stay exact: the script decides the batch's requests one after the other,
// each all-or-nothing and atomic in Redis, in the order they were queued. A
// failed call (Redis down, slow, or an unexpected reply) fails every request
// of the batch, each of which then takes the stage's on_store_error path.
//
// Steady state allocates nothing per request: a worker keeps its spent
// batches (their encoded commands and member lists) for the next turns.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <span>

#include "limit/decision.h"
#include "limit/redis_limiter.h"

namespace centinela::stage {
struct WorkerResources;
}

namespace centinela::limit {

// Turns of the worker's event loop one batch takes requests from (see
// send_batch in the .cpp): two measured cheaper for Redis and the worker than
// one (bench/RESULTS.md, issue 4), at the price of one poll of the sockets.
inline constexpr int kRedisBatchTurns = 2;

// Requests one batch carries at most; a full batch leaves as it is and the
// next request starts a new one. Bounds the time one script holds Redis and
// the size of its reply.
inline constexpr std::size_t kMaxRedisBatchRequests = 256;

// Decides `queries` (one request's Redis policies) on `worker`'s Redis
// client, batched with the other decisions of this turn of the worker's
// loop, and writes their decisions to `out` (one per query, same order).
// False on any store failure, including no client when the batch leaves
// (e.g. a reload removed `redis`); `out` is then untouched.
//
// The queries' strings are copied before the call first suspends, so they
// may live in a per-thread buffer; `out` must stay valid until it completes.
// Call it from the worker's io_context thread; `worker` must outlive the call.
boost::asio::awaitable<bool> redis_decide_batched(const stage::WorkerResources& worker,
                                                  std::span<const RedisQuery> queries,
                                                  std::span<Decision> out);

}  // namespace centinela::limit
