#include "redis_server.h"

#include <signal.h>

#include <chrono>
#include <thread>
#include <vector>

namespace itest {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

}  // namespace

RedisServer::RedisServer(std::string password) : password_(std::move(password)) { start(); }

RedisServer::RedisServer(std::string password, RedisTlsFiles tls,
                         std::vector<std::string> extra_args)
    : password_(std::move(password)), tls_(std::move(tls)), extra_args_(std::move(extra_args)) {
  start();
}

std::string RedisServer::tls_url(const std::string& user_info, const std::string& host) const {
  return "rediss://" + (user_info.empty() ? "" : user_info + "@") + host + ":" +
         std::to_string(tls_port()) + "/0";
}

RedisServer::~RedisServer() { stop(); }

std::string RedisServer::url() const {
  std::string auth = password_.empty() ? "" : ":" + password_ + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port()) + "/0";
}

bool RedisServer::start() {
  stop();
  std::vector<std::string> argv{kRedisServer, "--port",           std::to_string(port()),
                                "--bind",     "127.0.0.1",        "--save",
                                "",           "--appendonly",     "no",
                                "--dir",      dir_.path(),        "--daemonize",
                                "no",         "--protected-mode", "no",
                                "--loglevel", "warning"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  if (tls_) {
    const std::vector<std::string> tls{
        "--tls-port",         std::to_string(tls_port()),
        "--tls-cert-file",    tls_->cert,
        "--tls-key-file",     tls_->key,
        "--tls-ca-cert-file", tls_->ca,
        "--tls-auth-clients", tls_->require_client_cert ? "yes" : "no"};
    argv.insert(argv.end(), tls.begin(), tls.end());
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(argv, dir_.file("stdout"), dir_.file("stderr"));
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) break;
    if (answers_ping()) {
      running_ = true;
      error_.clear();
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  error_ = "redis-server did not answer PING on port " + std::to_string(port()) + ": " +
           read_file(dir_.file("stdout")) + read_file(dir_.file("stderr"));
  process_->kill_and_reap();
  return false;
}

void RedisServer::stop() {
  if (process_) {
    process_->kill_and_reap();
    process_.reset();
  }
  running_ = false;
}

void RedisServer::pause() {
  if (process_) process_->send_signal(SIGSTOP);
}

void RedisServer::resume() {
  if (process_) process_->send_signal(SIGCONT);
}

bool RedisServer::answers_ping() const {
  Socket socket = connect_loopback(port_.port(), std::chrono::milliseconds(200));
  if (!socket.valid()) return false;
  auto deadline = Clock::now() + std::chrono::milliseconds(500);
  if (!send_all(socket.fd(), "PING\r\n", deadline)) return false;
  char reply[64];
  long got = recv_some(socket.fd(), reply, sizeof reply, deadline);
  // +PONG, or -NOAUTH when a password is set: either way it is serving.
  return got > 0 && (reply[0] == '+' || reply[0] == '-');
}

}  // namespace itest
