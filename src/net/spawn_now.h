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
// the io_context's work count, as any coroutine's do. An exception the task
// lets out ends it, as `detached` ends it.
#pragma once

#include "net/asio_fwd.h"

namespace centinela::net {

// `executor` must be the calling thread's (a worker's io_context).
void spawn_now(const asio::any_io_executor& executor, asio::awaitable<void> task);

}  // namespace centinela::net
