// A tiny HTTP/1.1 server for the warmer's tests, on 127.0.0.1:<ephemeral>
// with a thread of its own. It counts requests and the most it ever had in
// hand at once, and answers by path:
//   /fail       500
//   /nocache    200 without X-Cache
//   /bypass     200, X-Cache: BYPASS
//   /notstored  200, X-Cache: MISS, Cache-Status: centinela; fwd=uri-miss
//   /close      200, X-Cache: MISS, Connection: close
//   /hang       never answers
//   anything else: 200, X-Cache: MISS, Cache-Status: centinela; fwd=miss; stored
// Every answer waits `delay` first, so concurrent requests overlap.
// Header-only: the unit-test glob takes *_test.cpp files only.
#pragma once

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace centinela::warm::testing {

struct SeenRequest {
  std::string method;
  std::string target;
  std::string host;
};

class TestHttpServer {
 public:
  explicit TestHttpServer(std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<SeenRequest> requests() const;
  std::size_t request_count() const;
  std::size_t max_in_flight() const { return max_in_flight_; }
  std::size_t connections() const { return connections_; }

 private:
  struct Impl;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::chrono::milliseconds delay_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> requests_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> max_in_flight_{0};
  std::atomic<std::size_t> connections_{0};
  std::thread thread_;
};

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct TestHttpServer::Impl {
  static asio::awaitable<void> serve(TestHttpServer& server, tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> request;
      auto [read_ec, read] = co_await http::async_read(socket, buffer, request, use_tuple);
      if (read_ec) co_return;
      const std::size_t now = ++server.in_flight_;
      std::size_t seen = server.max_in_flight_.load();
      while (now > seen && !server.max_in_flight_.compare_exchange_weak(seen, now)) {
      }
      const std::string target(request.target());
      {
        std::lock_guard lock(server.mutex_);
        server.requests_.push_back(SeenRequest{std::string(request.method_string()), target,
                                               std::string(request[http::field::host])});
      }
      asio::steady_timer timer(socket.get_executor());
      timer.expires_after(target == "/hang" ? std::chrono::hours(1) : server.delay_);
      co_await timer.async_wait(use_tuple);

      http::response<http::string_body> response{http::status::ok, 11};
      response.body() = "warm body for " + target;
      if (target == "/fail") {
        response.result(http::status::internal_server_error);
      } else if (target == "/bypass") {
        response.set("X-Cache", "BYPASS");
      } else if (target == "/notstored") {
        response.set("X-Cache", "MISS");
        response.set("Cache-Status", "centinela; fwd=uri-miss");
      } else if (target != "/nocache") {
        response.set("X-Cache", "MISS");
        response.set("Cache-Status", "centinela; fwd=miss; stored");
      }
      response.keep_alive(target != "/close" && request.keep_alive());
      response.prepare_payload();
      --server.in_flight_;
      auto [write_ec, written] = co_await http::async_write(socket, response, use_tuple);
      if (write_ec || !response.keep_alive()) co_return;
    }
  }

  static asio::awaitable<void> accept(TestHttpServer& server) {
    while (true) {
      auto [ec, socket] = co_await server.acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      ++server.connections_;
      asio::co_spawn(server.io_, serve(server, std::move(socket)), asio::detached);
    }
  }
};

inline TestHttpServer::TestHttpServer(std::chrono::milliseconds delay)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), delay_(delay) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, Impl::accept(*this), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

inline TestHttpServer::~TestHttpServer() {
  io_.stop();
  thread_.join();
}

inline std::vector<SeenRequest> TestHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

inline std::size_t TestHttpServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

}  // namespace centinela::warm::testing
