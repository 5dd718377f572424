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
//
// A connection to a TLS upstream speaks TLS over its socket from its
// handshake on, and its watching read goes through TLS too: what TLS 1.3
// servers send after the handshake (session tickets, key updates) is taken
// in by OpenSSL and never completes the read, while application data, a
// close_notify or EOF still do. The socket and the TLS state live in the
// part shared with the pending read, so that read may end after the
// connection is gone.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/deferred.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "net/asio_fwd.h"
#include "net/stream_io.h"
#include "proxy/upstream_server_metrics.h"

namespace centinela::tls {
class ClientContext;
class SessionSlot;
}  // namespace centinela::tls

namespace centinela::net {

using proxy::TlsFailure;

class UpstreamPool;

// A response's first read, pending or direct: room for a head and a whole body
// chunk (ChunkPool::kChunkSize), so a 16 KiB answer arrives in one read and
// leaves in one write, not two.
constexpr std::size_t kFirstResponseRead = 20 * 1024;

class UpstreamConnection {
 public:
  explicit UpstreamConnection(asio::io_context& io);
  // Closes the socket; a pending read then ends without touching this object.
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  tcp::socket& socket() { return socket_; }
  beast::flat_buffer& buffer() { return buffer_; }
  // The TLS layer over socket(); null while (or when) it speaks cleartext.
  TlsStream* tls() { return tls_; }

  // After the TCP connect: the TLS layer for a server named `host` (SNI and
  // name verification: tls::ClientContext::prepare), offered the session
  // kept in `sessions`, which keeps the ones it is given. Returns why the
  // layer could not be set up, or "". Then handshake() runs it.
  std::string start_tls(tls::ClientContext& context, std::string_view host,
                        tls::SessionSlot& sessions);
  asio::awaitable<std::tuple<boost::system::error_code>> handshake();
  // Why the handshake that ended with `ec` failed; `detail` gets OpenSSL's
  // words for the log. `timed_out`: it was cut by connect_timeout.
  TlsFailure handshake_failure(const boost::system::error_code& ec, bool timed_out,
                               std::string& detail);
  // Whether the last handshake resumed a kept session.
  bool resumed() const;

  // Idle in `pool` from now on: the watching read starts (if none is pending).
  void watch(UpstreamPool& pool);
  // Out of the pool, for an exchange that has not written anything yet.
  void take();
  // The first piece of the request went out: what arrives now is the response.
  void request_started();
  // The server said something (or closed) before the request started.
  bool heard_early() const;

  // Reads the next bytes into buffer(): the pending read's when there is one,
  // else a new read of at most `max` bytes. A deferred operation: co_await
  // it (held in a local: GCC 12 and temporaries in co_await) for the error
  // and the count, with no coroutine frame of its own (use_awaitable's
  // initiation makes one per operation in Asio 1.81).
  auto read_some(std::size_t max) {
    return asio::async_initiate<const decltype(asio::as_tuple(asio::deferred)),
                                void(boost::system::error_code, std::size_t)>(
        [this, max](auto handler) { start_read(max, std::move(handler)); },
        asio::as_tuple(asio::deferred));
  }

 private:
  void start_read(
      std::size_t max,
      asio::any_completion_handler<void(boost::system::error_code, std::size_t)> handler);

  struct Watch;
  class WatchHandler;

  std::shared_ptr<Watch> watch_;  // shared with the pending read's handler
  tcp::socket& socket_;           // in *watch_
  beast::flat_buffer buffer_;
  TlsStream* tls_ = nullptr;  // in *watch_
};

}  // namespace centinela::net
