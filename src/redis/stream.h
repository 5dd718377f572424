// The byte stream to one Redis server: a TCP connection, with TLS over it for
// rediss://. The client and the subscriber read and write through it without
// knowing which; cleartext pays one branch per read and write, nothing more.
// One read and one write may be in flight at once (Asio's SSL stream allows
// it), as the client's pipelining needs.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/consign.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "config/config.h"
#include "redis/tls_setup.h"

namespace centinela::redis {

class Stream {
 public:
  // TLS when `cfg.tls` is set, with `tls` (the setup built at config load)
  // or, when that is null, one built here from the files (so off the workers'
  // threads in the gateway). A setup that cannot be built fails every open()
  // with the reason: never cleartext where TLS was asked for.
  Stream(boost::asio::io_context& io, const config::RedisConfig& cfg,
         std::shared_ptr<const TlsSetup> tls);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Connects to cfg.host:cfg.port (see open_connection) and, with TLS, does
  // the handshake (SNI, the server's certificate and name verified, a client
  // certificate when configured; the last connection's session offered).
  // Returns an empty string, or why there is no connection. `abandoned()` as
  // for open_connection: after close() the attempt stops at its next step.
  boost::asio::awaitable<std::string> open(boost::asio::ip::tcp::resolver& resolver,
                                           const config::RedisConfig& cfg,
                                           std::function<bool()> abandoned);

  // Like the socket's: one of each at a time. With TLS the operation keeps its
  // connection's SSL stream alive until it completes, so a reconnection may
  // replace it meanwhile.
  template <typename Token>
  auto async_read_some(boost::asio::mutable_buffer buffer, Token&& token) {
    if (tls_) {
      return tls_->async_read_some(buffer, boost::asio::consign(std::forward<Token>(token), tls_));
    }
    return socket_.async_read_some(buffer, std::forward<Token>(token));
  }
  template <typename Token>
  auto async_write(boost::asio::const_buffer buffer, Token&& token) {
    if (tls_) {
      return boost::asio::async_write(*tls_, buffer,
                                      boost::asio::consign(std::forward<Token>(token), tls_));
    }
    return boost::asio::async_write(socket_, buffer, std::forward<Token>(token));
  }

  // Closes the connection (no TLS close_notify: nothing is left to say);
  // operations in flight complete with an error. Idempotent.
  void close();

 private:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  boost::asio::awaitable<std::string> handshake(const config::RedisConfig& cfg,
                                                std::function<bool()>& abandoned);

  boost::asio::ip::tcp::socket socket_;    // until a TLS connection takes it over
  std::shared_ptr<const TlsSetup> setup_;  // null: cleartext (or setup_error_)
  std::string setup_error_;
  std::shared_ptr<TlsStream> tls_;  // the current (or last) TLS connection
  // The last TLS connection's session, offered to the next one: a reconnect
  // after a Redis restart or a network blip costs an abbreviated handshake.
  std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)> session_{nullptr, SSL_SESSION_free};
};

}  // namespace centinela::redis
