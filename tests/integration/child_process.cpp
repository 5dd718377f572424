#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

#include "temp_dir.h"

extern char** environ;

namespace itest {

namespace {

// The test process's environment with `overrides` ("NAME=value") applied.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const std::string& override : overrides) {
      replaced = replaced || override.compare(0, name.size() + 1, std::string(name) + "=") == 0;
    }
    if (!replaced) merged.emplace_back(text);
  }
  merged.insert(merged.end(), overrides.begin(), overrides.end());
  return merged;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
                           const std::string& stderr_path,
                           const std::vector<std::string>& environment) {
  // Everything the child needs is prepared before fork: after it, in a
  // multi-threaded parent, the child may only make async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> env_strings = merged_environment(environment);
  std::vector<char*> env;
  for (const std::string& entry : env_strings) env.push_back(const_cast<char*>(entry.c_str()));
  env.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    return;
  }
  if (pid == 0) {
    // Killed if the test process dies (crash, timeout kill) so no gateway
    // outlives its test. Tests start children from the main thread, whose
    // exit is what triggers this.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    // Default dispositions and an empty mask, whatever the test process set.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
      ::sigaction(signal_number, &default_action, nullptr);
    }
    sigset_t no_signals;
    sigemptyset(&no_signals);
    ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    ::execve(args[0], args.data(), env.data());
    ::_exit(127);
  }
  pid_ = pid;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

bool ChildProcess::reap(int options) {
  if (pid_ <= 0 || exit_code_) return true;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, options);
  if (done == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  if (done < 0 && errno == ECHILD) {
    exit_code_ = -1;
    return true;
  }
  return false;
}

bool ChildProcess::running() { return pid_ > 0 && !reap(WNOHANG); }

bool ChildProcess::send_signal(int signal_number) {
  return running() && ::kill(pid_, signal_number) == 0;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

void ChildProcess::kill_and_reap() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::vector<std::string>& environment) {
  TempDir dir;
  CommandResult result;
  ChildProcess child(argv, dir.file("stdout"), dir.file("stderr"), environment);
  if (!child.started()) {
    result.err = child.error();
    return result;
  }
  result.exit_code = child.wait_exit(timeout).value_or(-1);
  child.kill_and_reap();
  result.out = read_file(dir.file("stdout"));
  result.err = read_file(dir.file("stderr"));
  return result;
}

}  // namespace itest
