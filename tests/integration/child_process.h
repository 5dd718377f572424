// A child process (fork + exec), its stdout and stderr going to files; killed
// and reaped on destruction, and killed by the kernel if the test process
// dies, so no test leaves one behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace itest {

class ChildProcess {
 public:
  // `environment`: "NAME=value" entries set in the child on top of (or
  // replacing) the test process's own.
  ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
               const std::string& stderr_path, const std::vector<std::string>& environment = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  pid_t pid() const { return pid_; }

  // Whether it is still running (reaps it if it has exited).
  bool running();
  bool send_signal(int signal_number);
  // Exit code once exited: the status, or 128 + signal when killed by one.
  // nullopt if still running after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::optional<int> exit_code() const { return exit_code_; }
  void kill_and_reap();

 private:
  bool reap(int options);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string error_;
};

struct CommandResult {
  int exit_code = -1;  // -1: did not finish in time or did not start
  std::string out;
  std::string err;
  std::string output() const { return out + err; }
};

// Runs a command to completion (killed after `timeout`).
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10),
                          const std::vector<std::string>& environment = {});

}  // namespace itest
