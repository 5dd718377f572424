#include "net/spawn_now.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>

namespace centinela::net {
namespace {

using EntryPoint = asio::awaitable<asio::detail::awaitable_thread_entry_point>;

// The bottom frame of the task's thread of execution (Asio's own type for
// one, as co_spawn's entry point is).
EntryPoint run_detached(asio::awaitable<void> task) {
  try {
    co_await std::move(task);
  } catch (...) {
    // Nobody waits for the task: as with `detached`, its end is its own.
  }
}

}  // namespace

void spawn_now(const asio::any_io_executor& executor, asio::awaitable<void> task) {
  // Runs the task until it first suspends; its pending operation then owns
  // the thread of execution (the object left here is empty).
  asio::detail::awaitable_thread<asio::any_io_executor>(run_detached(std::move(task)), executor,
                                                        asio::cancellation_slot(),
                                                        asio::cancellation_state())
      .launch();
}

}  // namespace centinela::net
