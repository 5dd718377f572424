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
  // The admin thread's own Redis client, null without `redis`. Asked for at
  // each use: a reload may replace it (the replaced one stays alive, closed).
  std::function<redis::Client*()> redis = [] { return nullptr; };
  cache::MemoryStore* cache = nullptr;  // the L1 (always present)
  // On `redis`, with cache.shared: redis; null otherwise. As `redis`.
  std::function<cache::RedisCache*()> cache_l2 = [] { return nullptr; };
  std::string instance_id;  // names this process in purge messages
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
