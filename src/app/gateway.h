// The process: workers on their threads, the admin listener and health checks
// on the main thread, signals (SIGTERM/SIGINT drain, SIGHUP reload).
#pragma once

#include <memory>
#include <string>

#include "config/config.h"

namespace centinela::app {

class Gateway {
 public:
  Gateway(std::string config_path, config::Config initial);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Serves until drained; returns the process exit code.
  int run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace centinela::app
