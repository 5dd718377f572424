// One worker: a thread running its own io_context, its own listening sockets
// (SO_REUSEPORT) and its own upstream connection pools. Nothing here is shared
// with other workers except through GatewayShared.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "net/asio_fwd.h"
#include "net/chunk_pool.h"
#include "net/deadline.h"
#include "net/request_slot.h"
#include "net/tunnel.h"
#include "net/upstream_pool.h"
#include "stage/request_context.h"

namespace centinela::observe {
class AccessLog;
class Gauge;
}  // namespace centinela::observe

namespace centinela::proxy {
class Runtime;
}

namespace centinela::redis {
class Client;
struct TlsSetup;
}  // namespace centinela::redis

namespace centinela::tracing {
class SpanExporter;
}

namespace centinela::tls {
class ServerContext;
}

namespace centinela::cache {
class RedisCache;
}  // namespace centinela::cache

namespace centinela::net {

// Process-wide state the workers use.
struct GatewayShared {
  observe::AccessLog* access_log = nullptr;
  tracing::SpanExporter* spans = nullptr;  // traced requests' spans go here
  observe::Gauge* connections_gauge = nullptr;
  std::atomic<std::uint64_t> active_connections{0};
};

class Worker {
 public:
  Worker(unsigned index, GatewayShared& shared, std::shared_ptr<const proxy::Runtime> runtime);
  ~Worker();

  // Opens the listening sockets; throws std::system_error (start-up only).
  void listen(const std::vector<config::ListenerConfig>& listeners);
  // The thread body: serves until drained or stopped.
  void run();

  // Thread-safe: take effect on the worker's own thread.
  void update_runtime(std::shared_ptr<const proxy::Runtime> runtime);
  // The TLS contexts of the listeners, by index in server.listen (null for
  // a cleartext listener); connections accepted afterwards use them.
  using TlsContexts = std::vector<std::shared_ptr<const tls::ServerContext>>;
  void update_tls(TlsContexts contexts);
  void begin_drain();
  void stop();
  // The drain timeout is over: open WebSocket tunnels send their close
  // frames (1001) and get `grace` to end; then the worker stops. Without
  // tunnels it stops at once.
  void end_drain(std::chrono::milliseconds grace);

  // For the connections this worker serves (its thread only).
  unsigned index() const { return index_; }
  asio::io_context& io() { return io_; }
  DeadlineSweeper& sweeper() { return sweeper_; }
  UpstreamPool& pool() { return pool_; }
  ChunkPool& chunks() { return chunks_; }
  SlotPool& slots() { return slots_; }
  TunnelList& tunnels() { return tunnels_; }
  GatewayShared& shared() { return shared_; }
  const stage::WorkerResources& resources() const { return resources_; }
  const std::shared_ptr<const proxy::Runtime>& runtime() const { return runtime_; }
  // Null when the listener is cleartext.
  const std::shared_ptr<const tls::ServerContext>& tls_context(std::size_t listener) const;
  bool draining() const { return draining_; }
  // For a response writer that checks it when each response starts.
  const bool& draining_flag() const { return draining_; }
  // Connections currently open on this worker.
  std::size_t connections() const { return sweeper_.size(); }
  // The Date header value, refreshed once a second.
  std::string_view http_date();
  // Called by a connection when it ends; lets a draining worker finish.
  void connection_closed();
  // The L2 cache on this worker's Redis client; null without `cache.shared: redis`.
  cache::RedisCache* l2() const { return l2_.get(); }

 private:
  // `listener`: the acceptor's index in server.listen (and in acceptors_).
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::size_t listener);
  void finish_if_drained();
  void update_redis_client(const proxy::Runtime& runtime);

  unsigned index_;
  GatewayShared& shared_;
  // Before io_: what a coroutine destroyed with the io_context gives back
  // must still be there.
  SlotPool slots_;
  // One thread runs it and every socket and timer of it is used on that
  // thread (other threads only post to it, e.g. update_runtime, or stop it):
  // the reactor's per-descriptor mutex, locked on every operation and event,
  // guards nothing. The scheduler keeps its lock for those posts.
  asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  DeadlineSweeper sweeper_;
  UpstreamPool pool_;
  ChunkPool chunks_;
  TunnelList tunnels_;
  asio::steady_timer stop_after_grace_{io_};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::shared_ptr<const proxy::Runtime> runtime_;
  TlsContexts tls_contexts_;
  bool draining_ = false;
  stage::WorkerResources resources_;
  std::unique_ptr<redis::Client> redis_;   // before io_ in destruction order
  std::unique_ptr<cache::RedisCache> l2_;  // uses redis_: destroyed first
  // What reloads replaced: closed, and kept until the worker goes, because a
  // coroutine suspended in one of their calls may still use them (one per
  // reload that changes redis.url or switches L2). Declared after what they
  // may point to, so destroyed before it.
  std::vector<std::unique_ptr<redis::Client>> retired_redis_;
  std::vector<std::unique_ptr<cache::RedisCache>> retired_l2_;
  std::string redis_url_;
  std::shared_ptr<const redis::TlsSetup> redis_tls_;  // what redis_ was made with
  std::string date_;
  std::int64_t date_second_ = -1;
};

}  // namespace centinela::net
