// Idle keep-alive connections to upstream servers, owned by one worker (no
// locks). Keyed by the server's address, so a reload that keeps a server keeps
// its warm connections.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/asio_fwd.h"

namespace centinela::net {

// A connection to an upstream server with its read buffer: the buffer is sized
// once and reused by every request the connection carries.
struct UpstreamConnection {
  explicit UpstreamConnection(asio::io_context& io) : socket(io) {}
  UpstreamConnection(UpstreamConnection&&) = default;
  UpstreamConnection& operator=(UpstreamConnection&&) = default;

  tcp::socket socket;
  beast::flat_buffer buffer;
};

class UpstreamPool {
 public:
  // Connections idle for less than `check_after` are handed out without
  // checking that the server has not closed them (a syscall per request
  // otherwise); those idle longer are checked first.
  explicit UpstreamPool(std::chrono::milliseconds check_after = std::chrono::milliseconds(200))
      : check_after_(check_after) {}

  // An idle connection to `server` that the peer has not closed meanwhile, or
  // nothing. Connections idle longer than `max_idle_time` are dropped.
  std::optional<UpstreamConnection> take(const std::string& server,
                                         std::chrono::milliseconds max_idle_time);

  // Keeps `connection` for reuse unless `max_idle` connections are already kept.
  void give_back(const std::string& server, UpstreamConnection connection, unsigned max_idle);

  void clear();
  std::size_t idle_count() const;

 private:
  struct Idle {
    UpstreamConnection connection;
    SteadyTime since;
  };
  std::chrono::milliseconds check_after_;
  std::unordered_map<std::string, std::vector<Idle>> idle_;
};

}  // namespace centinela::net
