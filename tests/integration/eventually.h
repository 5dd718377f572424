// Polling instead of sleeping: a test waits only as long as the gateway needs.
#pragma once

#include <chrono>
#include <thread>

namespace itest {

// Calls `condition` every `interval` until it returns true (→ true) or
// `timeout` passes (→ false, after one last try).
template <typename Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(interval);
  }
  return condition();
}

}  // namespace itest
