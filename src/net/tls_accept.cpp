#include "net/tls_accept.h"

#include <openssl/err.h>

#include <cerrno>
#include <span>

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
    // OpenSSL reads from the session's input: a socket read fills it (an
    // ordinary read, no epoll_ctl as a readiness wait would cost).
    watch.arm(socket, deadline);
    boost::system::error_code ec;
    if (error == SSL_ERROR_WANT_READ) {
      const std::span<char> space = session.input_space();
      auto [read_ec, n] =
          co_await socket.async_read_some(asio::buffer(space.data(), space.size()), use_nothrow);
      ec = read_ec;
      if (!ec) session.received(n);
    } else {
      auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, use_nothrow);
      ec = wait_ec;
    }
    watch.disarm();
    if (ec) {
      session.context().count_failure(watch.fired() ? tls::HandshakeFailure::timeout
                                                    : tls::HandshakeFailure::closed);
      co_return false;
    }
  }
}

}  // namespace centinela::net
