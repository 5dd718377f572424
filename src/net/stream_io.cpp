#include "net/stream_io.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>

namespace centinela::net {
namespace {

// More pieces than a write ever has (PieceWrite: 7); any beyond are left
// for the asynchronous write.
constexpr std::size_t kMaxIovecs = 16;

std::size_t send_now(int fd, std::span<const asio::const_buffer> buffers,
                     boost::system::error_code& ec) {
  iovec iov[kMaxIovecs];
  std::size_t count = 0;
  for (const asio::const_buffer& buffer : buffers) {
    if (buffer.size() == 0) continue;
    if (count == kMaxIovecs) break;
    iov[count++] = {const_cast<void*>(buffer.data()), buffer.size()};
  }
  if (count == 0) return 0;
  msghdr message{};
  message.msg_iov = iov;
  message.msg_iovlen = count;
  for (;;) {
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) return static_cast<std::size_t>(sent);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec.assign(errno, boost::system::system_category());
    }
    return 0;
  }
}

std::size_t ssl_write_now(tls::Session& session, std::span<const asio::const_buffer> buffers,
                          boost::system::error_code& ec) {
  const void* data = nullptr;
  std::size_t size = 0;
  stream_detail::prepare_record(session, buffers, data, size);
  if (size == 0) return 0;
  std::size_t written = 0;
  stream_detail::clear_stale_errors();
  errno = 0;
  const int result = SSL_write_ex(session.ssl(), data, size, &written);
  if (result == 1) return written;
  const int error = SSL_get_error(session.ssl(), result);
  // Waiting is the asynchronous write's: it retries with the same bytes.
  if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
    ec = stream_detail::failure_code();
  }
  return 0;
}

}  // namespace

std::size_t write_now(Stream stream, std::span<const asio::const_buffer> buffers,
                      boost::system::error_code& ec) {
  if (stream.tls() != nullptr) return ssl_write_now(*stream.tls(), buffers, ec);
  return send_now(stream.socket().native_handle(), buffers, ec);
}

asio::awaitable<IoResult> read_some(Stream stream, TlsStream* tls, asio::mutable_buffer buffer) {
  if (tls != nullptr) return tls->async_read_some(buffer, use_nothrow);
  return stream.async_read_some(buffer, use_nothrow);
}

asio::awaitable<IoResult> write_all(tcp::socket& socket, TlsStream* tls,
                                    std::span<const asio::const_buffer> buffers) {
  if (tls != nullptr) return asio::async_write(*tls, buffers, use_nothrow);
  return asio::async_write(socket, buffers, use_nothrow);
}

asio::awaitable<IoResult> write_all(tcp::socket& socket, TlsStream* tls,
                                    asio::const_buffer buffer) {
  if (tls != nullptr) return asio::async_write(*tls, buffer, use_nothrow);
  return asio::async_write(socket, buffer, use_nothrow);
}

asio::awaitable<IoResult> write_all(Stream& stream, TlsStream* tls, asio::const_buffer buffer) {
  if (tls != nullptr) return asio::async_write(*tls, buffer, use_nothrow);
  return asio::async_write(stream, buffer, use_nothrow);
}

}  // namespace centinela::net
