#include "net/stream_io.h"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace centinela::net {

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
