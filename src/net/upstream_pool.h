// Idle keep-alive connections to upstream servers, owned by one worker (no
// locks). Keyed by the server's address, so a reload that keeps a server keeps
// its warm connections. Every idle connection is watched by a pending read
// (upstream_connection.h): one that hears anything while idle is closed and
// leaves the pool at once, so take() needs no check of its own.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/asio_fwd.h"
#include "net/upstream_connection.h"
#include "tls/session_slot.h"

namespace centinela::net {

class UpstreamPool {
 public:
  UpstreamPool() = default;
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // The most recently used idle connection to `server`, or null. Connections
  // idle for longer than `max_idle_time` at `now` are closed instead.
  std::unique_ptr<UpstreamConnection> take(const std::string& server,
                                           std::chrono::milliseconds max_idle_time,
                                           SteadyTime now = SteadyClock::now());

  // Keeps `connection` (its stream clean, its buffer empty) for reuse unless
  // `max_idle` connections are already kept or the pool is closed; starts its
  // watch. Connections idle longer than `max_idle_time` are closed meanwhile.
  void give_back(const std::string& server, std::unique_ptr<UpstreamConnection> connection,
                 unsigned max_idle, std::chrono::milliseconds max_idle_time);

  // Closes every idle connection and keeps none from now on (drain): nothing
  // pending is then left to keep the worker's io_context running.
  void close();
  std::size_t idle_count() const;

  // For a connection's watch: it heard something while idle. Destroys it.
  void evict(const UpstreamConnection& connection);

  // The TLS session kept for the server of this pool key (TLS upstreams),
  // offered to the next connection to it. Lives as long as the pool.
  tls::SessionSlot& sessions(const std::string& server) { return sessions_[server]; }

 private:
  struct Idle {
    std::unique_ptr<UpstreamConnection> connection;
    SteadyTime since;
  };
  // Before idle_: outlives the connections whose sessions it receives.
  std::unordered_map<std::string, tls::SessionSlot> sessions_;
  std::unordered_map<std::string, std::vector<Idle>> idle_;
  bool closed_ = false;
};

}  // namespace centinela::net
