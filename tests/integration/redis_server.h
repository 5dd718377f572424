// A private redis-server for one test: /usr/bin/redis-server on a free
// 127.0.0.1 port, no persistence, files in a temp dir. Killed on stop() and
// on destruction, and by the kernel if the test process dies (ChildProcess),
// so no test leaves one running.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "loopback_socket.h"
#include "temp_dir.h"

namespace itest {

// What a TLS Redis presents and checks (files of an OpensslPki).
struct RedisTlsFiles {
  std::string cert;
  std::string key;
  std::string ca;                    // verifies client certificates
  bool require_client_cert = false;  // --tls-auth-clients yes (else no)
};

class RedisServer {
 public:
  // Starts it and waits until it answers PING. A non-empty `password` is
  // set as requirepass.
  explicit RedisServer(std::string password = {});
  // The same with a TLS port beside the cleartext one (which the test keeps
  // for its own commands); `extra_args` are appended to the command line
  // ("--user", "app", "on", ">pw", ...).
  RedisServer(std::string password, RedisTlsFiles tls, std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Whether start() succeeded; the reason otherwise.
  bool running() const { return running_; }
  const std::string& error() const { return error_; }

  int port() const { return port_.port(); }
  // redis://127.0.0.1:PORT/0 (with the password when there is one).
  std::string url() const;
  // The TLS port (0 without TLS) and rediss://[user-info@]HOST:TLS_PORT/0.
  int tls_port() const { return tls_ ? tls_port_.port() : 0; }
  std::string tls_url(const std::string& user_info = {},
                      const std::string& host = "localhost") const;

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
  std::optional<RedisTlsFiles> tls_;
  std::vector<std::string> extra_args_;
  ReservedPort port_;      // kept across stop() and start()
  ReservedPort tls_port_;  // the same, for TLS
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  bool running_ = false;
  std::string error_;
};

}  // namespace itest
