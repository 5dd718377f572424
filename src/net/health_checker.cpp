#include "net/health_checker.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/stream_io.h"
#include "observe/event_log.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"
#include "tls/client_context.h"

namespace centinela::net {

namespace http = beast::http;

struct HealthChecker::State {
  asio::io_context& io;
  std::shared_ptr<const proxy::Runtime> runtime;
  std::atomic<bool> stopped{false};
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
};

namespace {

// One probe: true when the server answered 2xx/3xx within the timeout.
// `tls`: the upstream's TLS context; the probe then speaks TLS, verified as
// requests are (a server whose certificate fails is unhealthy).
asio::awaitable<bool> probe(asio::io_context& io, const proxy::UpstreamServer& server,
                            const config::HealthCheckConfig& check, const std::string& host,
                            tls::ClientContext* tls) {
  tcp::socket socket(io);
  asio::steady_timer deadline(io, check.timeout);
  deadline.async_wait([&socket](const boost::system::error_code& ec) {
    if (!ec) {
      boost::system::error_code ignored;
      socket.close(ignored);
    }
  });
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(server.address, ec);
  if (ec) co_return false;
  auto [connect_ec] =
      co_await socket.async_connect(tcp::endpoint(address, server.endpoint.port), use_nothrow);
  if (connect_ec) co_return false;
  std::optional<asio::ssl::stream<tcp::socket&>> secure;
  if (tls != nullptr) {
    secure.emplace(socket, tls->context());
    if (!tls->prepare(secure->native_handle(), server.endpoint.host).empty()) co_return false;
    auto [handshake_ec] =
        co_await secure->async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (handshake_ec) co_return false;
  }
  const std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: centinela-health-check\r\n"
      "Connection: close\r\n\r\n",
      check.path, host.empty() ? server.endpoint.text : host);
  auto [write_ec, written] =
      co_await write_all(socket, secure ? &*secure : nullptr, asio::buffer(request));
  if (write_ec) co_return false;
  // Only the head is read; the parser's header limit and the buffer's own
  // bound keep what a probed server can make us hold small.
  beast::flat_buffer buffer(32 * 1024);
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  boost::system::error_code read_ec;
  if (secure) {
    auto [ec_tls, n] = co_await http::async_read_header(*secure, buffer, parser, use_nothrow);
    read_ec = ec_tls;
  } else {
    auto [ec_plain, n] = co_await http::async_read_header(socket, buffer, parser, use_nothrow);
    read_ec = ec_plain;
  }
  deadline.cancel();
  if (read_ec) co_return false;
  const unsigned status = parser.get().result_int();
  co_return status >= 200 && status < 400;
}

asio::awaitable<void> check_loop(std::shared_ptr<HealthChecker::State> state,
                                 proxy::UpstreamCluster* cluster, std::size_t index,
                                 asio::steady_timer* timer) {
  const auto& config = cluster->config();
  const auto& check = config.health_check;
  const auto& server = cluster->server(index);
  unsigned successes = 0;
  unsigned failures = 0;
  while (!state->stopped) {
    // An upstream with `tls` is never probed in cleartext.
    bool ok = false;
    if (!config.tls || cluster->tls() != nullptr) {
      ok = co_await probe(state->io, server, check, config.host, cluster->tls());
    }
    if (state->stopped) break;
    const bool was_healthy = server.active_healthy.load(std::memory_order_relaxed);
    if (ok) {
      failures = 0;
      if (!was_healthy && ++successes >= check.healthy_threshold) {
        cluster->set_active_health(index, true);
        observe::log_event(observe::Level::info, "upstream server is healthy again",
                           {{"upstream", config.name}, {"server", server.endpoint.text}});
      }
    } else {
      successes = 0;
      if (was_healthy && ++failures >= check.unhealthy_threshold) {
        cluster->set_active_health(index, false);
        observe::log_event(observe::Level::warn, "upstream server failed its health checks",
                           {{"upstream", config.name}, {"server", server.endpoint.text}});
      }
    }
    timer->expires_after(check.interval);
    co_await timer->async_wait(use_nothrow);
  }
}

}  // namespace

HealthChecker::HealthChecker(asio::io_context& io, std::shared_ptr<const proxy::Runtime> runtime)
    : state_(std::make_shared<State>(io, std::move(runtime))) {}

HealthChecker::~HealthChecker() { stop(); }

void HealthChecker::start() {
  for (const auto& cluster : state_->runtime->clusters()) {
    if (cluster->config().health_check.path.empty()) continue;
    for (std::size_t i = 0; i < cluster->server_count(); ++i) {
      state_->timers.push_back(std::make_unique<asio::steady_timer>(state_->io));
      asio::co_spawn(state_->io, check_loop(state_, cluster.get(), i, state_->timers.back().get()),
                     asio::detached);
    }
  }
}

void HealthChecker::stop() {
  if (state_->stopped.exchange(true)) return;
  for (auto& timer : state_->timers) timer->cancel();
}

}  // namespace centinela::net
