// How the Redis client and the subscriber keep a connection: one attempt
// after another (connect, handshake, serve until it breaks), a growing pause
// between them, an outage logged once until the next success. Both run the
// one loop here; what an attempt does is theirs.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::redis {

// The pause before the next attempt: 100 ms, doubling up to 2 s, and from
// 100 ms again once an attempt got a working connection.
class Backoff {
 public:
  using Duration = std::chrono::steady_clock::duration;
  static constexpr Duration kFirst = std::chrono::milliseconds(100);
  static constexpr Duration kMax = std::chrono::seconds(2);

  // The pause to take now; the one after it is twice as long (to kMax).
  Duration next();
  // What next() will return, without taking it.
  Duration peek() const { return current_; }
  void reset() { current_ = kFirst; }

 private:
  Duration current_ = kFirst;
};

// "host:port", as log lines name a Redis server.
std::string endpoint_name(const config::RedisConfig& cfg);

// Opens a TCP connection to cfg.host:cfg.port on `socket`: an IP literal at once,
// a name resolved through `resolver` (off the calling thread), each address
// in turn. Returns an empty string once connected (TCP_NODELAY set), else
// why not. `abandoned()` is asked after every wait: when it says true
// (the owner closed, or gave up on this attempt and closed the socket) the
// attempt stops without touching `socket` again.
boost::asio::awaitable<std::string> open_connection(boost::asio::ip::tcp::socket& socket,
                                                    boost::asio::ip::tcp::resolver& resolver,
                                                    const config::RedisConfig& cfg,
                                                    std::function<bool()> abandoned);

using Command = std::vector<std::string>;

// What a new connection sends before anything else: AUTH when there is a
// password (AUTH user password for an ACL user), SELECT for a database other
// than 0; over TLS at least one of them, or PING. Each answers a status reply.
std::vector<Command> handshake_commands(const config::RedisConfig& cfg);

class ReconnectLoop {
 public:
  // What its log lines say: the endpoint ("host:port"), the subscriber's
  // channel (empty: none), and the messages for a connection that came up,
  // one that was lost, and an attempt that never got that far.
  struct Words {
    std::string endpoint;
    std::string channel;
    std::string_view up;
    std::string_view lost;
    std::string_view failed;
  };

  ReconnectLoop(boost::asio::io_context& io, Words words);

  // Runs `attempt` (returns why its connection ended) again and again until
  // `closed()`, with the backoff's pause between attempts. The first attempt
  // starts at once. (Pass named functions, not lambdas converted in the
  // co_await expression: GCC 12 destroys such temporaries twice.)
  boost::asio::awaitable<void> run(std::function<boost::asio::awaitable<std::string>()> attempt,
                                   std::function<bool()> closed);

  // The current attempt has a working connection: logged, the backoff starts
  // over, the next failure is an outage worth a line again.
  void up();

  // Ends a pause at once (for closing: run returns when `closed()` says so).
  void cancel() { pause_.cancel(); }

  // The pause after the attempt now running (or the one paused for).
  Backoff::Duration next_pause() const { return backoff_.peek(); }

 private:
  void log_end(std::string_view reason);

  Words words_;
  Backoff backoff_;
  boost::asio::steady_timer pause_;
  bool attempt_was_up_ = false;
  bool outage_logged_ = false;
};

}  // namespace centinela::redis
