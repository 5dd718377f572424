// The real centinela binary (CENTINELA_BINARY) running `run -c FILE` as a
// child process, with its stdout/stderr captured to files.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"

namespace itest {

// Path of the binary under test.
std::string centinela_binary();

class GatewayProcess {
 public:
  // `output_dir` receives gateway.stdout / gateway.stderr.
  GatewayProcess(std::string config_path, std::uint16_t admin_port, std::string output_dir);

  // Sets NAME=value in the environment the binary is started with.
  void set_environment(const std::string& name, const std::string& value) {
    environment_.push_back(name + "=" + value);
  }

  // Starts the binary and waits until the admin listener's GET /health
  // answers 200. On failure the result carries the captured stderr.
  ::testing::AssertionResult start(
      std::chrono::milliseconds ready_timeout = std::chrono::seconds(10));

  bool running() const { return child_ && child_->running(); }
  pid_t pid() const { return child_ ? child_->pid() : -1; }
  bool send_signal(int signal_number) { return child_ && child_->send_signal(signal_number); }
  // Exit code (128 + signal if killed), nullopt if still running after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  void kill() {
    if (child_) child_->kill_and_reap();
  }

  // VmRSS from /proc/PID/status; 0 when not running.
  std::uint64_t rss_bytes() const;
  std::string stdout_text() const;
  std::string stderr_text() const;
  const std::string& config_path() const { return config_path_; }

 private:
  std::string config_path_;
  std::uint16_t admin_port_;
  std::string stdout_path_;
  std::string stderr_path_;
  std::vector<std::string> environment_;  // "NAME=value"
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace itest
