// Batching of the shared store's decisions: the Redis decisions a worker's
// requests ask for during one turn of its event loop leave together, as ONE
// script call (EVALSHA) at the end of the turn, instead of one call each. A
// single Redis pays its per-call cost (command dispatch, script setup, reply)
// once per batch, which is most of what a decision costs it.
//
// The first request of a turn leads the batch: it queues its decision, yields
// once to the end of the turn (asio::post), then sends every queued decision
// in one call and hands each waiting request its own result. Semantics stay
// exact: the script decides the batch's requests one after the other, each
// all-or-nothing and atomic in Redis, in the order they were queued. A failed
// call (Redis down, slow, or an unexpected reply) fails every request of the
// batch, each of which then takes the filter's on_store_error path.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "limit/decision.h"
#include "limit/policy.h"

namespace centinela::proxy {
struct WorkerResources;
}

namespace centinela::limit {

// Requests one batch carries at most; a full batch leaves as it is and the
// next request starts a new one. Bounds the time one script holds Redis and
// the size of its reply.
inline constexpr std::size_t kMaxRedisBatchRequests = 256;

// Decides `policies` (keys: their Redis keys, in the same order) for one
// request on `worker`'s Redis client, batched with the other decisions of
// this turn of the worker's loop. nullopt on any store failure, including no
// client at the end of the turn (e.g. a reload removed `redis`). Call it from
// the worker's io_context thread; `worker` must outlive the call.
boost::asio::awaitable<std::optional<std::vector<Decision>>> redis_decide_batched(
    const proxy::WorkerResources& worker, std::vector<std::string> keys,
    std::span<const Policy* const> policies);

}  // namespace centinela::limit
