// The server side of a client's TLS handshake, on the connection's socket
// with the connection's DeadlineWatch: bounded by one deadline for the whole
// handshake (a client that stalls mid-way is closed), counted in the
// listener's metrics (tls/server_context.h).
#pragma once

#include "net/asio_fwd.h"

namespace centinela::tls {
class Session;
}

namespace centinela::net {

class DeadlineWatch;

// True when the handshake completed (the session's facts are then known).
asio::awaitable<bool> tls_accept(tcp::socket& socket, tls::Session& session, DeadlineWatch& watch,
                                 SteadyTime deadline);

}  // namespace centinela::net
