// Reads and writes on a connection that speaks either cleartext or TLS over
// its socket: `tls` (an upstream's Asio TLS stream) null means `stream` itself
// (a socket, or a client's TLS stream). Each call returns the
// operation's awaitable directly (no coroutine frame of its own), so a
// cleartext connection pays one test of a pointer for TLS being possible.
#pragma once

#include <span>
#include <tuple>

#include "net/asio_fwd.h"
#include "net/stream.h"

namespace boost::asio::ssl {
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace centinela::net {

// TLS over a socket owned elsewhere (the connection's).
using TlsStream = asio::ssl::stream<tcp::socket&>;

using IoResult = std::tuple<boost::system::error_code, std::size_t>;

// At least one byte (or an error) into `buffer`. (`stream` by value: its
// operations hold the socket and the TLS session, never the handle itself.)
asio::awaitable<IoResult> read_some(Stream stream, TlsStream* tls, asio::mutable_buffer buffer);
// All of `buffers`, in order (TLS puts them into as few records as it can).
// The write keeps a reference to what it writes to until it completes: a
// socket, or a Stream that outlives the write (never a temporary).
asio::awaitable<IoResult> write_all(tcp::socket& socket, TlsStream* tls,
                                    std::span<const asio::const_buffer> buffers);
asio::awaitable<IoResult> write_all(tcp::socket& socket, TlsStream* tls, asio::const_buffer buffer);
asio::awaitable<IoResult> write_all(Stream& stream, TlsStream* tls, asio::const_buffer buffer);

// What of `buffers` can be written at once, without waiting, on a stream
// (cleartext or a client's TLS): one non-blocking sendmsg, or SSL_write up
// to a record at a time. Returns the bytes written: all of them unless the
// socket's buffer filled (or TLS wants to wait), when the rest needs an
// asynchronous write; `ec` is set only when the stream failed for good.
// A write that goes at once then costs no operation of the reactor's, no
// posted completion and no suspension of the coroutine (most do: a
// response or a request is small, and the send buffer empty).
std::size_t write_now(Stream stream, std::span<const asio::const_buffer> buffers,
                      boost::system::error_code& ec);

}  // namespace centinela::net
