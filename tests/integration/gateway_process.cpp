#include "gateway_process.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "http_client.h"
#include "temp_dir.h"

namespace itest {

std::string centinela_binary() { return CENTINELA_BINARY; }

GatewayProcess::GatewayProcess(std::string config_path, std::uint16_t admin_port,
                               std::string output_dir)
    : config_path_(std::move(config_path)),
      admin_port_(admin_port),
      stdout_path_(output_dir + "/gateway.stdout"),
      stderr_path_(output_dir + "/gateway.stderr") {}

::testing::AssertionResult GatewayProcess::start(std::chrono::milliseconds ready_timeout) {
  if (::access(CENTINELA_BINARY, X_OK) != 0) {
    return ::testing::AssertionFailure() << "gateway binary missing: " << CENTINELA_BINARY;
  }
  child_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{CENTINELA_BINARY, "run", "-c", config_path_}, stdout_path_,
      stderr_path_, environment_);
  if (!child_->started()) return ::testing::AssertionFailure() << child_->error();

  auto deadline = Clock::now() + ready_timeout;
  std::string last_problem = "no answer yet";
  while (Clock::now() < deadline) {
    if (!child_->running()) {
      return ::testing::AssertionFailure()
             << "gateway exited with code " << child_->exit_code().value_or(-1)
             << " before becoming ready\n--- config ---\n"
             << read_file(config_path_) << "\n--- stderr ---\n"
             << stderr_text() << "\n--- stdout ---\n"
             << stdout_text();
    }
    HttpResponse health = http_get(admin_port_, "/health", {}, std::chrono::milliseconds(500));
    if (health.status == 200) return ::testing::AssertionSuccess();
    last_problem = health.status ? fmt::format("status {}", health.status) : health.error;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child_->kill_and_reap();
  return ::testing::AssertionFailure()
         << "admin GET /health on port " << admin_port_ << " did not answer 200 within "
         << ready_timeout.count() << " ms (" << last_problem << ")\n--- config ---\n"
         << read_file(config_path_) << "\n--- stderr ---\n"
         << stderr_text() << "\n--- stdout ---\n"
         << stdout_text();
}

std::optional<int> GatewayProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (!child_) return std::nullopt;
  return child_->wait_exit(timeout);
}

std::uint64_t GatewayProcess::rss_bytes() const {
  if (!child_ || !child_->started()) return 0;
  std::ifstream status(fmt::format("/proc/{}/status", child_->pid()));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

std::string GatewayProcess::stdout_text() const { return read_file(stdout_path_); }
std::string GatewayProcess::stderr_text() const { return read_file(stderr_path_); }

}  // namespace itest
