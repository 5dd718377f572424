// Whether the client of an HTTP/1.1 request closes its connection while the
// request waits for the upstream (nginx's proxy_ignore_client_abort off).
// One read on the client's socket that peeks at a byte, queued with the
// reactor that already watches it — from the worker's next deadline sweep
// on (TickTask), not at once: Asio tries every read as it is queued, one
// recv that finds nothing, and most requests have their response before a
// sweep comes (a tick is 100 ms), so they cost nothing. A client that left
// is then noticed within a tick of the request's start or of its leaving.
// The read completes when the client shut the socket (gone) or sent bytes
// (a pipelined request: the client is there, the watch ends; over TLS the
// bytes may be a close_notify, gone if the FIN came with them). The client
// gone, the exchange's waits are abandoned (DeadlineWatch), so its upstream
// connection closes at once, unless other requests wait on the same fetch
// (stage::SharedFetch).
#pragma once

#include <boost/asio/cancellation_signal.hpp>
#include <cstddef>

#include "net/asio_fwd.h"
#include "net/deadline.h"

namespace centinela::stage {
struct RequestContext;
}

namespace centinela::net {

class ClientCloseWatch : private TickTask {
 public:
  ClientCloseWatch() = default;
  ClientCloseWatch(const ClientCloseWatch&) = delete;
  ClientCloseWatch& operator=(const ClientCloseWatch&) = delete;

  // For the request about to be served: what to watch and what to abandon.
  // `unread`: the connection's read buffer (bytes in it after the request's
  // own are a pipelined request: that client is not watched).
  void prepare(tcp::socket& socket, bool tls, DeadlineWatch& exchange,
               const beast::flat_buffer& unread, const stage::RequestContext& ctx);
  // The request has all its bytes: the watch starts at the next sweep
  // (once per request).
  void start();
  // The request is over: the wait is cancelled (its handler runs soon).
  void stop();
  // Whether the client left while the request was served (until stop()).
  bool gone() const { return gone_; }
  // Whether bytes came while the request was served (until the next
  // prepare()): the peek took their readiness, so only a read finds them,
  // not a readiness wait (the reactor's is edge-triggered).
  bool bytes_came() const { return bytes_came_; }
  bool pending() const { return pending_; }
  // For the next connection that takes the slot: nothing seen yet.
  void forget() { bytes_came_ = false; }
  // Stops, and resumes once the wait's handler ran: the connection must
  // outlive it.
  asio::awaitable<void> settle();

 private:
  void on_tick() override;
  void wait();
  void on_ready(const boost::system::error_code& ec);

  // The wait's operation lives here, not in Asio's per-thread cache: a
  // wait per request there takes a block another operation then misses.
  template <typename T>
  struct WaitMemory;
  alignas(std::max_align_t) unsigned char memory_[256];
  bool memory_used_ = false;
  char peeked_ = 0;  // the peek's byte (left in the socket)

  asio::cancellation_signal cancel_;
  tcp::socket* socket_ = nullptr;
  DeadlineWatch* exchange_ = nullptr;
  const beast::flat_buffer* unread_ = nullptr;
  const stage::RequestContext* ctx_ = nullptr;
  bool tls_ = false;
  bool prepared_ = false;
  bool watching_ = false;
  bool pending_ = false;  // a wait is outstanding or its handler not yet run
  bool gone_ = false;
  bool bytes_came_ = false;
};

}  // namespace centinela::net
