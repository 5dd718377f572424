#include "net/spawn_now.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>

namespace centinela::net {

void spawn_now(const asio::any_io_executor& executor, SpawnedTask task) {
  // Runs the task until it first suspends; its pending operation then owns
  // the thread of execution (the object left here is empty).
  asio::detail::awaitable_thread<asio::any_io_executor>(
      std::move(task), executor, asio::cancellation_slot(), asio::cancellation_state())
      .launch();
}

}  // namespace centinela::net
