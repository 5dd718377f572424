// Active health checks: every upstream with `health_check.path` gets a GET to
// that path per server every `interval`; 2xx/3xx counts as a success. Runs on
// the main (non-worker) io_context, so it never delays requests.
#pragma once

#include <atomic>
#include <memory>

#include "net/asio_fwd.h"

namespace centinela::proxy {
class Runtime;
}

namespace centinela::net {

class HealthChecker {
 public:
  HealthChecker(asio::io_context& io, std::shared_ptr<const proxy::Runtime> runtime);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void start();
  // Stops the loops; they end at their next wake-up.
  void stop();

  struct State;  // public so the coroutines in the .cpp can name it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace centinela::net
