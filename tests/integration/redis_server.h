// A private redis-server for one test: /usr/bin/redis-server on a free
// 127.0.0.1 port, no persistence, files in a temp dir. Killed on stop() and
// on destruction, and by the kernel if the test process dies (ChildProcess),
// so no test leaves one running.
#pragma once

#include <memory>
#include <string>

#include "child_process.h"
#include "loopback_socket.h"
#include "temp_dir.h"

namespace itest {

class RedisServer {
 public:
  // Starts it and waits until it answers PING. A non-empty `password` is
  // set as requirepass.
  explicit RedisServer(std::string password = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Whether start() succeeded; the reason otherwise.
  bool running() const { return running_; }
  const std::string& error() const { return error_; }

  int port() const { return port_.port(); }
  // redis://127.0.0.1:PORT/0 (with the password when there is one).
  std::string url() const;

  // Kills it (SIGKILL: nothing to persist) and waits until it is gone.
  void stop();
  // (Re)starts it on the same port and waits for PING. False on failure.
  bool start();
  // SIGSTOP / SIGCONT: a server that accepts connections but answers nothing.
  void pause();
  void resume();

 private:
  bool answers_ping() const;

  std::string password_;
  ReservedPort port_;  // kept across stop() and start()
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  bool running_ = false;
  std::string error_;
};

}  // namespace itest
