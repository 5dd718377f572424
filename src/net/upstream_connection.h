// A connection to an upstream server: its socket, its read buffer (sized once
// and reused by every request it carries) and the one read that is pending
// on it between requests.
//
// While the connection sits idle in a pool, that read watches it, as nginx's
// upstream keepalive does: whatever it hears — a byte, EOF, an error — makes
// the pool close the connection. When an exchange takes the connection, the
// same read stays pending and becomes the first read of the response: the
// speculative recv Asio makes when a read starts happens once, when the
// connection goes idle, instead of right after the request is written, so
// watching costs a busy connection no system call. Bytes heard after the
// connection was taken but before its request started to go out are still
// unsolicited: the exchange sees heard_early() and does not trust them.
#pragma once

#include <memory>
#include <tuple>

#include "net/asio_fwd.h"

namespace centinela::net {

class UpstreamPool;

class UpstreamConnection {
 public:
  explicit UpstreamConnection(asio::io_context& io);
  // Closes the socket; a pending read then ends without touching this object.
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  tcp::socket& socket() { return socket_; }
  beast::flat_buffer& buffer() { return buffer_; }

  // Idle in `pool` from now on: the watching read starts (if none is pending).
  void watch(UpstreamPool& pool);
  // Out of the pool, for an exchange that has not written anything yet.
  void take();
  // The first piece of the request went out: what arrives now is the response.
  void request_started();
  // The server said something (or closed) before the request started.
  bool heard_early() const;

  // Reads the next bytes into buffer(): the pending read's when there is one,
  // else a new read of at most `max` bytes. Returns the error and the count.
  asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some(std::size_t max);

 private:
  struct Watch;
  class WatchHandler;

  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Watch> watch_;  // shared with the pending read's handler
};

}  // namespace centinela::net
