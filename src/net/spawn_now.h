// Starting a coroutine that nobody waits for, on the calling thread, at once:
// what `co_spawn(executor, task, detached)` does from a worker's own thread,
// without what only a waiting caller needs. Boost 1.81's co_spawn wraps the
// task in an entry point that takes two work guards (copies of the
// type-erased executor), awaits a dispatch through a coroutine frame of its
// own before it starts, and dispatches the detached handler once it ended
// (~1.5k instructions). An h2 stream pays that for every request.
//
// The task runs at once, until its first suspension, exactly as co_spawn's
// dispatch from the executor's thread runs it; its pending operations keep
// the io_context's work count, as any coroutine's do. The task is written as
// the bottom frame of its thread of execution (no entry-point frame around
// it, as co_spawn's or a generic wrapper's would be: one frame a task fewer).
#pragma once

#include "net/asio_fwd.h"

namespace centinela::net {

// A coroutine that is the bottom frame of its own thread of execution
// (Asio's type for one, as co_spawn's entry point is). It must catch what it
// throws, as `detached` would have swallowed it: Asio rethrows an exception
// that leaves the bottom frame out of io_context::run. Nothing can await it.
using SpawnedTask = asio::awaitable<asio::detail::awaitable_thread_entry_point>;

// `executor` must be the calling thread's (a worker's io_context).
void spawn_now(const asio::any_io_executor& executor, SpawnedTask task);

}  // namespace centinela::net
