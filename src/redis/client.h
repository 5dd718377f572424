// An asynchronous Redis client for one worker thread: one TCP connection on
// the worker's io_context, commands pipelined on it (many coroutines may have
// commands in flight at once), replies matched in order. It never throws and
// never blocks: while Redis is down a command answers nullopt at once, and the
// client reconnects by itself with backoff. Not thread-safe by design: each
// worker owns its own Client and calls it only from its io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "redis/command_encoding.h"
#include "redis/reply.h"
#include "redis/script.h"
#include "redis/tls_setup.h"

namespace centinela::redis {

class Client {
 public:
  // Starts connecting in the background (host, port, user, password, db,
  // timeout and TLS from `cfg`); the constructor itself does no network I/O.
  // With `cfg.tls`, `tls` is the setup built when the config loaded; left
  // null, it is built here from the files (see Stream).
  Client(boost::asio::io_context& io, const config::RedisConfig& cfg,
         std::shared_ptr<const TlsSetup> tls = nullptr);
  // Closes (see close()). Commands still pending answer nullopt once the
  // io_context runs again. Destroy the Client before its io_context.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command (args[0] is its name) and waits for its reply. nullopt
  // when Redis is unreachable (answered at once, no waiting), when no reply
  // came within cfg.timeout, or when the connection broke meanwhile. An error
  // reply from Redis is a Reply of Type::error, not nullopt. Replies larger
  // than the limits in reply.h break the connection and answer nullopt.
  boost::asio::awaitable<std::optional<Reply>> command(std::vector<std::string> args);

  // Runs a Lua script: EVALSHA, and on NOSCRIPT (first use, or after Redis
  // restarted or flushed its scripts) EVAL, which also caches the script in
  // Redis for the next calls. `script` must outlive the call.
  boost::asio::awaitable<std::optional<Reply>> eval(const Script& script,
                                                    std::vector<std::string> keys,
                                                    std::vector<std::string> args);
  // The same with the keys and arguments already encoded (see EncodedArgs);
  // both must stay alive until the returned awaitable completes.
  boost::asio::awaitable<std::optional<Reply>> eval_encoded(const Script& script,
                                                            const EncodedArgs& keys,
                                                            const EncodedArgs& args);

  // True once connected (and authenticated, database selected) until the
  // connection drops.
  bool connected() const;
  // Why the last connection (or attempt) ended, such as "connect: Connection
  // refused" or "tls handshake: certificate verify failed: …"; empty while
  // connected or before the first attempt ended. On the client's thread.
  std::string down_reason() const;

  // For shutdown: pending commands answer nullopt, the connection closes and
  // is not reopened; later commands answer nullopt at once. Idempotent.
  void close();

 private:
  class Connection;
  std::shared_ptr<Connection> connection_;
};

}  // namespace centinela::redis
