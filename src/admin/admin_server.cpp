#include "admin/admin_server.h"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "admin/admin_routes.h"
#include "net/asio_fwd.h"
#include "net/listen_error.h"
#include "observe/event_log.h"
#include "observe/live_stats.h"
#include "proxy/runtime.h"

namespace centinela::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::tcp;
using net::use_nothrow;

struct AdminServer::State {
  asio::io_context& io;
  AdminSources sources;
  std::unique_ptr<tcp::acceptor> acceptor;
  asio::steady_timer ticker{io};
  bool stopped = false;
};

namespace {

constexpr auto kAdminTimeout = std::chrono::seconds(10);

template <class Name>
std::optional<std::string_view> field_value(const http::request<http::string_body>& req,
                                            const Name& name) {
  const auto it = req.find(name);
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value());
}

asio::awaitable<void> serve(std::shared_ptr<AdminServer::State> state, tcp::socket socket) {
  // Bounded: a chunk line or trailer section that does not fit fails the read
  // (buffer_overflow) instead of growing the buffer; heads are 16 KiB at most.
  beast::flat_buffer buffer(64 * 1024);
  // Admin clients are few; a timer per connection is fine here.
  asio::steady_timer idle(state->io);
  for (;;) {
    idle.expires_after(kAdminTimeout);
    idle.async_wait([&socket](const boost::system::error_code& ec) {
      if (!ec) {
        boost::system::error_code ignored;
        socket.close(ignored);
      }
    });
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    auto [ec, n] = co_await http::async_read(socket, buffer, parser, use_nothrow);
    idle.cancel();
    if (ec) break;
    const auto& req = parser.get();
    AdminRequest request{req.method_string(), req.target(),
                         field_value(req, http::field::authorization).value_or(""), req.body(),
                         field_value(req, http::field::host).value_or("")};
    request.origin = field_value(req, http::field::origin);
    request.sec_fetch_site = field_value(req, "Sec-Fetch-Site");
    request.content_type = field_value(req, http::field::content_type);
    request.accept_encoding = field_value(req, http::field::accept_encoding);
    AdminResponse answer = co_await handle_admin_request(request, state->sources);

    http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
    res.set(http::field::content_type, answer.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : answer.headers) res.set(name, value);
    res.keep_alive(req.keep_alive() && !state->stopped);
    res.body() = std::move(answer.body);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
    auto [write_ec, written] = co_await http::async_write(socket, res, use_nothrow);
    if (write_ec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<AdminServer::State> state) {
  while (!state->stopped) {
    auto [ec, socket] = co_await state->acceptor->async_accept(use_nothrow);
    if (ec) {
      if (state->stopped) co_return;
      observe::log_event(observe::Level::warn, "admin accept failed", {{"error", ec.message()}});
      continue;
    }
    asio::co_spawn(state->io, serve(state, std::move(socket)), asio::detached);
  }
}

// Closes each second of the dashboard's series and latency windows, just
// after the second ends (by the wall clock: the series are labelled with it).
// With admin.live_stats: false nothing is recorded and nothing is closed: the
// seconds while it was off are missing from the series, not zeros.
asio::awaitable<void> tick_loop(std::shared_ptr<AdminServer::State> state) {
  using namespace std::chrono;
  while (!state->stopped) {
    const auto since_epoch = system_clock::now().time_since_epoch();
    const auto into_second = since_epoch % seconds(1);
    state->ticker.expires_after(seconds(1) - into_second + milliseconds(5));
    auto [ec] = co_await state->ticker.async_wait(use_nothrow);
    if (ec || state->stopped) co_return;
    if (!state->sources.runtime()->config().admin.live_stats) continue;
    const auto ended = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() - 1;
    observe::LiveStats::global().tick(ended, state->sources.active_connections());
  }
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io, AdminSources sources)
    : state_(std::make_shared<State>(io, std::move(sources))) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::listen(const config::Endpoint& endpoint) {
  const tcp::endpoint address(asio::ip::make_address(endpoint.host), endpoint.port);
  state_->acceptor = std::make_unique<tcp::acceptor>(state_->io);
  try {
    state_->acceptor->open(address.protocol());
    state_->acceptor->set_option(asio::socket_base::reuse_address(true));
    // As the workers' listeners: a new instance (an upgrade) starts beside the
    // draining old one with the same configuration (docs/operations.md, Deploy).
    int one = 1;
    ::setsockopt(state_->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    state_->acceptor->bind(address);
    state_->acceptor->listen();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(net::listen_error_text(endpoint.text, e.code()));
  }
  asio::co_spawn(state_->io, accept_loop(state_), asio::detached);
  asio::co_spawn(state_->io, tick_loop(state_), asio::detached);
}

void AdminServer::stop() {
  state_->stopped = true;
  state_->ticker.cancel();
  if (state_->acceptor) {
    boost::system::error_code ignored;
    state_->acceptor->close(ignored);
  }
}

}  // namespace centinela::admin
