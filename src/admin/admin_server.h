// The admin listener: /metrics, /health, /ready and /admin/*. It runs on the
// main thread's io_context, apart from the workers, and is never rate limited.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"

namespace centinela::proxy {
class Runtime;
}

namespace centinela::redis {
class Client;
}

namespace centinela::cache {
class MemoryStore;
class RedisCache;
}  // namespace centinela::cache

namespace centinela::admin {

// What the admin endpoints report on, provided by the process.
struct AdminSources {
  std::function<std::shared_ptr<const proxy::Runtime>()> runtime;
  std::function<std::uint64_t()> active_connections;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string version;
  redis::Client* redis = nullptr;         // the admin thread's own, when redis is configured
  cache::MemoryStore* cache = nullptr;    // the L1 (always present)
  cache::RedisCache* cache_l2 = nullptr;  // on `redis`, with cache.shared: redis
  std::string instance_id;                // names this process in purge messages
};

class AdminServer {
 public:
  AdminServer(boost::asio::io_context& io, AdminSources sources);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds the listener; throws std::system_error (start-up only).
  void listen(const config::Endpoint& endpoint);
  void stop();

  struct State;  // public so the coroutines in the .cpp can name it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace centinela::admin
