#include "net/worker.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <ctime>
#include <stdexcept>

#include "cache/redis_cache.h"
#include "net/client_connection.h"
#include "net/listen_error.h"
#include "observe/event_log.h"
#include "observe/metrics.h"
#include "proxy/runtime.h"
#include "redis/client.h"
#include "tls/server_context.h"

namespace centinela::net {

Worker::Worker(unsigned index, GatewayShared& shared, std::shared_ptr<const proxy::Runtime> runtime)
    : index_(index),
      shared_(shared),
      sweeper_(io_, std::chrono::milliseconds(100)),
      runtime_(std::move(runtime)) {
  resources_.io = &io_;
  resources_.worker_index = index;
  update_redis_client(*runtime_);
}

void Worker::update_redis_client(const proxy::Runtime& runtime) {
  // One client per worker, on the worker's own io_context: no locks, and
  // pipelining comes from the requests in flight on this worker.
  const auto& redis = runtime.config().redis;
  const std::string url = redis ? redis->url : std::string();
  const bool wants_l2 = redis && runtime.config().cache.shared == "redis";
  // A reload keeps the TLS setup when neither its settings nor its files
  // changed (redis/tls_setup.h): then the connection stays too.
  if (url != redis_url_ || runtime.redis_tls() != redis_tls_) {
    if (l2_) retired_l2_.push_back(std::move(l2_));
    if (redis_) {
      redis_->close();
      retired_redis_.push_back(std::move(redis_));
    }
    if (redis) redis_ = std::make_unique<redis::Client>(io_, *redis, runtime.redis_tls());
    redis_url_ = url;
    redis_tls_ = runtime.redis_tls();
    resources_.redis = redis_.get();
  }
  if (!wants_l2 && l2_) retired_l2_.push_back(std::move(l2_));
  if (wants_l2 && l2_ == nullptr) {
    // An L2 round trip takes well under a millisecond on a healthy network.
    static constexpr double kL2Buckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                            0.005,  0.01,    0.025,  0.05,  0.1};
    auto& registry = observe::Registry::global();
    l2_ = std::make_unique<cache::RedisCache>(
        *redis_, "centinela:cache:",
        &registry.histogram("centinela_cache_l2_duration_seconds",
                            "Redis (L2 cache) lookups and stores, by duration", {}, kL2Buckets),
        &registry.counter("centinela_cache_l2_errors_total",
                          "L2 cache calls that failed: Redis down, slow or answering garbage"));
  }
  resources_.l2 = l2_.get();
}

Worker::~Worker() = default;

void Worker::listen(const std::vector<config::ListenerConfig>& listeners) {
  for (const auto& listener : listeners) {
    const config::Endpoint& endpoint = listener.endpoint;
    const tcp::endpoint address(asio::ip::make_address(endpoint.host), endpoint.port);
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    try {
      acceptor->open(address.protocol());
      acceptor->set_option(asio::socket_base::reuse_address(true));
      // Every worker binds the same address; the kernel spreads connections.
      int one = 1;
      ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
      acceptor->bind(address);
      acceptor->listen(4096);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(listen_error_text(endpoint.text, e.code()));
    }
    acceptors_.push_back(std::move(acceptor));
  }
}

void Worker::run() {
  observe::set_worker_index(index_ + 1);  // slot 0 belongs to non-worker threads
  for (std::size_t i = 0; i < acceptors_.size(); ++i) {
    asio::co_spawn(io_, accept_loop(*acceptors_[i], i), asio::detached);
  }
  sweeper_.start();
  io_.run();
}

asio::awaitable<void> Worker::accept_loop(tcp::acceptor& acceptor, std::size_t listener) {
  while (!draining_) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining_) co_return;
      // Out of descriptors and the like: log, breathe, go on.
      observe::log_event(observe::Level::warn, "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    const auto max = runtime_->config().server.limits.max_connections;
    if (shared_.active_connections.load(std::memory_order_relaxed) >= max) {
      // Over the limit: refuse the newcomer, keep serving everyone else.
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    start_client(*this, std::move(socket), listener);
  }
}

void Worker::update_tls(TlsContexts contexts) {
  asio::post(io_, [this, contexts = std::move(contexts)]() mutable {
    tls_contexts_ = std::move(contexts);
  });
}

const std::shared_ptr<const tls::ServerContext>& Worker::tls_context(std::size_t listener) const {
  static const std::shared_ptr<const tls::ServerContext> none;
  return listener < tls_contexts_.size() ? tls_contexts_[listener] : none;
}

void Worker::update_runtime(std::shared_ptr<const proxy::Runtime> runtime) {
  asio::post(io_, [this, runtime = std::move(runtime)]() mutable {
    runtime_ = std::move(runtime);
    update_redis_client(*runtime_);
  });
}

void Worker::begin_drain() {
  asio::post(io_, [this] {
    draining_ = true;
    for (auto& acceptor : acceptors_) {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    }
    // Connections waiting for their next request end now; busy ones finish
    // their request and then close.
    sweeper_.cancel_idle();
    finish_if_drained();
  });
}

void Worker::stop() { io_.stop(); }

void Worker::end_drain(std::chrono::milliseconds grace) {
  asio::post(io_, [this, grace] {
    if (tunnels_.empty()) {
      io_.stop();
      return;
    }
    tunnels_.go_away(SteadyClock::now() + grace);
    // A little beyond the tunnels' own deadline: they end by themselves.
    stop_after_grace_.expires_after(grace + std::chrono::milliseconds(200));
    stop_after_grace_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) io_.stop();
    });
  });
}

void Worker::connection_closed() {
  if (draining_) finish_if_drained();
}

void Worker::finish_if_drained() {
  // With no connection left, nothing keeps the io_context busy and run() returns.
  if (sweeper_.size() == 0) {
    sweeper_.stop();
    stop_after_grace_.cancel();
    pool_.close();  // no idle connection keeps the io_context running
    if (redis_) redis_->close();
  }
}

std::string_view Worker::http_date() {
  const std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    char text[64];
    std::tm tm{};
    gmtime_r(&now, &tm);
    const std::size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    date_.assign(text, n);
    date_second_ = now;
  }
  return date_;
}

}  // namespace centinela::net
