#include "redis/reconnect.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "observe/event_log.h"
#include "redis/asio_names.h"

namespace centinela::redis {

std::string endpoint_name(const config::RedisConfig& cfg) {
  return cfg.host + ":" + std::to_string(cfg.port);
}

std::vector<Command> handshake_commands(const config::RedisConfig& cfg) {
  std::vector<Command> commands;
  if (!cfg.username.empty()) {
    commands.push_back({"AUTH", cfg.username, cfg.password});
  } else if (!cfg.password.empty()) {
    commands.push_back({"AUTH", cfg.password});
  }
  if (cfg.db != 0) commands.push_back({"SELECT", std::to_string(cfg.db)});
  // A TLS 1.3 client finishes its handshake before the server has checked
  // the client's certificate: a refusal only shows on the first read. A round
  // trip before the connection counts as up keeps a refused client from
  // looking connected for an instant on every attempt.
  if (cfg.tls && commands.empty()) commands.push_back({"PING"});
  return commands;
}

Backoff::Duration Backoff::next() {
  const Duration now = current_;
  current_ = std::min<Duration>(2 * current_, kMax);
  return now;
}

asio::awaitable<std::string> open_connection(tcp::socket& socket, tcp::resolver& resolver,
                                             const config::RedisConfig& cfg,
                                             std::function<bool()> abandoned) {
  const std::string& host = cfg.host;
  const std::uint16_t port = cfg.port;
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoints.emplace_back(address, port);
  } else {
    // Names are resolved off the calling thread (Asio's resolver thread).
    auto [resolve_ec, results] =
        co_await resolver.async_resolve(host, std::to_string(port), as_tuple_awaitable);
    if (abandoned()) co_return "abandoned";
    if (resolve_ec) co_return "resolve " + host + ": " + resolve_ec.message();
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  boost::system::error_code connect_ec = asio::error::host_not_found;
  for (const tcp::endpoint& endpoint : endpoints) {
    socket.close(ec);
    std::tie(connect_ec) = co_await socket.async_connect(endpoint, as_tuple_awaitable);
    if (abandoned()) co_return "abandoned";
    if (!connect_ec) break;
  }
  if (connect_ec) co_return "connect: " + connect_ec.message();
  socket.set_option(tcp::no_delay(true), ec);
  co_return std::string();
}

ReconnectLoop::ReconnectLoop(asio::io_context& io, Words words)
    : words_(std::move(words)), pause_(io) {}

asio::awaitable<void> ReconnectLoop::run(std::function<asio::awaitable<std::string>()> attempt,
                                         std::function<bool()> closed) {
  while (!closed()) {
    attempt_was_up_ = false;
    const std::string reason = co_await attempt();
    if (closed()) co_return;
    log_end(reason);
    pause_.expires_after(backoff_.next());
    co_await pause_.async_wait(as_tuple_awaitable);
  }
}

void ReconnectLoop::up() {
  attempt_was_up_ = true;
  backoff_.reset();
  outage_logged_ = false;
  if (words_.channel.empty()) {
    observe::log_event(observe::Level::info, words_.up, {{"redis", words_.endpoint}});
  } else {
    observe::log_event(observe::Level::info, words_.up,
                       {{"redis", words_.endpoint}, {"channel", words_.channel}});
  }
}

// One line per outage: the attempts that fail while Redis stays away are
// not worth one each.
void ReconnectLoop::log_end(std::string_view reason) {
  if (outage_logged_) return;
  outage_logged_ = true;
  const std::string_view message = attempt_was_up_ ? words_.lost : words_.failed;
  if (words_.channel.empty()) {
    observe::log_event(observe::Level::warn, message,
                       {{"redis", words_.endpoint}, {"reason", reason}});
  } else {
    observe::log_event(
        observe::Level::warn, message,
        {{"redis", words_.endpoint}, {"channel", words_.channel}, {"reason", reason}});
  }
}

}  // namespace centinela::redis
