#include "net/tls_accept.h"

#include <openssl/err.h>

#include <cerrno>

#include "net/deadline.h"
#include "tls/server_context.h"
#include "tls/session.h"

namespace centinela::net {

asio::awaitable<bool> tls_accept(tcp::socket& socket, tls::Session& session, DeadlineWatch& watch,
                                 SteadyTime deadline) {
  SSL* ssl = session.ssl();
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int result = SSL_do_handshake(ssl);
    if (result == 1) {
      session.learn_facts();
      session.context().count_handshake(ssl);
      co_return true;
    }
    const int error = SSL_get_error(ssl, result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      session.context().count_failure(tls::classify_failure(error));
      co_return false;
    }
    const auto wait =
        error == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write;
    watch.arm(socket, deadline);
    auto [ec] = co_await socket.async_wait(wait, use_nothrow);
    watch.disarm();
    if (ec) {
      session.context().count_failure(watch.fired() ? tls::HandshakeFailure::timeout
                                                    : tls::HandshakeFailure::closed);
      co_return false;
    }
  }
}

}  // namespace centinela::net
