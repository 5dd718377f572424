// A client connection over HTTP/1.1: requests one after the other
// (keep-alive), each served by serve_request (serve_request.h) with a request
// slot from the worker's pool. Between requests a connection holds its slot
// and a pending read while it is busy — a read after an exhausted read costs
// no system call — and parks when it goes quiet: the slot goes back and a
// readiness wait, with no coroutine behind it, is all that is left.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "net/asio_fwd.h"
#include "net/deadline.h"
#include "net/stream.h"
#include "tls/session.h"

namespace centinela::stage {
struct RequestContext;
}

namespace centinela::net {

class Worker;

// Counts the connection in the process-wide gauge while it lives.
class ConnectionCount {
 public:
  explicit ConnectionCount(Worker& worker);
  // Runs after the connection's DeadlineWatch is gone, so a draining worker
  // sees its true count.
  ~ConnectionCount();
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  Worker& worker_;
};

// What a connection keeps for its whole life, and all it keeps while parked.
struct ClientConnection {
  ClientConnection(Worker& owner, tcp::socket accepted);

  Worker& worker;
  ConnectionCount count;  // before the watch: counted until the watch is gone
  tcp::socket socket;
  DeadlineWatch watch;
  std::array<std::uint8_t, 16> peer{};  // IPv4 as ::ffff:a.b.c.d
  std::string peer_text;                // formatted once
  std::uint32_t requests = 0;           // served on this connection
  bool woken = false;                   // parked at least once
  SteadyTime idle_until{};              // while waiting for the next request
  std::uint16_t listener = 0;           // its listener's index in server.listen
  bool h2c = false;  // a cleartext listener with http2: prior knowledge is served as HTTP/2
  std::unique_ptr<tls::Session> tls;  // on a TLS listener; null for cleartext

  // What requests are read from and answers written to.
  Stream stream() { return Stream(socket, tls.get()); }
  // OpenSSL holds bytes no read has taken: a readiness wait could sleep on them.
  bool tls_pending() const { return tls != nullptr && tls->has_pending(); }
};

// A TLS connection's facts (version, cipher, SNI, client certificate) in
// the request's context; nothing for cleartext.
void describe_tls(const ClientConnection& connection, stage::RequestContext& ctx);

// Serves a freshly accepted connection until it closes. `listener`: the
// index in server.listen of the listener that accepted it.
void start_client(Worker& worker, tcp::socket socket, std::size_t listener);

}  // namespace centinela::net
