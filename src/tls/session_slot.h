// TLS session resumption for connections the gateway opens: the last session
// a server gave is kept in a SessionSlot (one per server per worker, so no
// lock) and offered on the next connection to that server, which then skips
// the full handshake. TLS 1.3 servers hand sessions out after the handshake
// (NewSessionTicket), so they are caught by the context's new-session
// callback whenever they arrive, not read once the handshake is done.
#pragma once

#include <openssl/ssl.h>

#include "tls/client_context.h"

namespace centinela::tls {

class SessionSlot {
 public:
  SessionSlot() = default;
  ~SessionSlot();
  SessionSlot(const SessionSlot&) = delete;
  SessionSlot& operator=(const SessionSlot&) = delete;

  // Offers the kept session (if any) to `ssl`, a connection not yet
  // handshaken, and has the sessions `ssl` receives kept here. The slot
  // must outlive `ssl`, or be let go of first with forget().
  void attach(SSL* ssl);
  static void forget(SSL* ssl);

  bool has_session() const { return session_ != nullptr; }
  // Drops the kept session (the server refused it, or the handshake failed).
  void clear();

 private:
  friend int keep_new_session(SSL* ssl, SSL_SESSION* session);
  SSL_SESSION* session_ = nullptr;
};

// Has `context` hand the sessions of attached connections to their slot.
void remember_sessions(ClientContext& context);

}  // namespace centinela::tls
