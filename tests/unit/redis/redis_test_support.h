// Drives an io_context from a test until a coroutine finishes, with a limit
// so a broken client fails the test instead of hanging it.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "config/config.h"

namespace centinela::redis::test {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// An io_context that ran out of work stays stopped until restarted.
inline void ready_to_run(asio::io_context& io) {
  if (io.stopped()) io.restart();
}

// Runs `task` on `io` to completion (nullopt if it did not finish in `limit`).
template <typename T>
std::optional<T> run(asio::io_context& io, asio::awaitable<T> task,
                     std::chrono::milliseconds limit = 10s) {
  std::optional<T> result;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, T value) {
    failure = error;
    result.emplace(std::move(value));
  });
  auto deadline = Clock::now() + limit;
  while (!result && Clock::now() < deadline) {
    ready_to_run(io);
    io.run_one_for(10ms);
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

// Runs `io` until `condition` holds or `limit` passes.
template <typename Condition>
bool run_until(asio::io_context& io, Condition condition, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  while (!condition() && Clock::now() < deadline) {
    ready_to_run(io);
    io.run_one_for(10ms);
  }
  return condition();
}

// Runs `io` for `duration` (lets background work happen).
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) {
    ready_to_run(io);
    if (io.run_one_until(deadline) == 0) std::this_thread::sleep_until(deadline);
  }
}

inline config::RedisConfig redis_config(int port, std::chrono::milliseconds timeout = 250ms) {
  config::RedisConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = static_cast<std::uint16_t>(port);
  cfg.timeout = timeout;
  return cfg;
}

}  // namespace centinela::redis::test
