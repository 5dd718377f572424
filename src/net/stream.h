// A connection's byte stream: the socket itself, or TLS over it. A small
// handle (two pointers) that Asio's algorithms take as an AsyncStream; on a
// cleartext connection each operation is the socket's own, behind one
// branch. TLS is OpenSSL writing the non-blocking socket itself and reading
// from the session's input buffer (tls/session.h): an operation tries
// SSL_read / SSL_write and, when OpenSSL wants more input, reads the socket
// into that buffer (an ordinary Asio read: a speculative recv, then the
// reactor's edge-triggered wait — no epoll_ctl, which a readiness wait would
// cost every time), or, when the socket is full, waits until it can write.
// Deadlines work as for the socket (a DeadlineWatch cancels the socket's
// operations).
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <span>

#include "net/asio_fwd.h"
#include "tls/session.h"

namespace centinela::net {

namespace stream_detail {

// The most a gather write copies into one TLS record.
constexpr std::size_t kRecordSize = 16384;

template <typename Buffer, typename Buffers>
Buffer first_nonempty(const Buffers& buffers) {
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
       ++it) {
    Buffer buffer(*it);
    if (buffer.size() != 0) return buffer;
  }
  return Buffer();
}

// Before an SSL call whose failure SSL_get_error will read: an error left
// in the thread's queue would be taken for this call's. Looking costs a
// tenth of clearing (OpenSSL 3 clears all sixteen slots every time), and
// the queue is nearly always empty: each failure clears what it left.
inline void clear_stale_errors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

inline boost::system::error_code failure_code() {
  const int saved = errno;
  ERR_clear_error();
  return {saved != 0 && saved != EAGAIN ? saved : ECONNRESET, boost::system::system_category()};
}

// What both operations share: completing, never from inside the initiation
// (an answer OpenSSL had at once is posted, as Asio does for a socket).
struct TlsOpBase {
  tcp::socket& socket;
  tls::Session& session;
  bool waited = false;
  bool receiving = false;  // a socket read into the session's input is under way

  // Gets what OpenSSL asked for: input (a read of the socket, which the
  // read operation alone does — a write that wants input waits for the
  // reader's), or room to write. False: it failed for good.
  template <typename Self>
  bool wait_for(Self& self, int ssl_error, bool may_receive) {
    if (ssl_error != SSL_ERROR_WANT_READ && ssl_error != SSL_ERROR_WANT_WRITE) return false;
    waited = true;
    if (ssl_error == SSL_ERROR_WANT_READ && may_receive) {
      receiving = true;
      const std::span<char> space = session.input_space();
      socket.async_read_some(asio::buffer(space.data(), space.size()), std::move(self));
      return true;
    }
    socket.async_wait(
        ssl_error == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
        std::move(self));
    return true;
  }

  // A socket read's end: its bytes are OpenSSL's input. False: it failed
  // (the error ends the operation, as the socket's own read would).
  bool take_received(boost::system::error_code ec, std::size_t n) {
    receiving = false;
    if (ec) return false;
    session.received(n);
    return true;
  }

  template <typename Self>
  void finish(Self& self, boost::system::error_code ec, std::size_t n) {
    if (waited) {
      self.complete(ec, n);
    } else {
      asio::post(asio::append(std::move(self), ec, n));
    }
  }
};

template <typename Buffers>
struct TlsReadOp : TlsOpBase {
  Buffers buffers;

  // The start, or the end of a wait for room to write.
  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    if (ec) {
      self.complete(ec, 0);
      return;
    }
    const auto into = first_nonempty<asio::mutable_buffer>(buffers);
    if (into.size() == 0) return finish(self, {}, 0);
    std::size_t n = 0;
    clear_stale_errors();
    errno = 0;
    const int result = SSL_read_ex(session.ssl(), into.data(), into.size(), &n);
    if (result == 1) return finish(self, {}, n);
    const int error = SSL_get_error(session.ssl(), result);
    if (wait_for(self, error, true)) return;
    if (error == SSL_ERROR_ZERO_RETURN) return finish(self, asio::error::eof, 0);
    finish(self, failure_code(), 0);
  }

  // A socket read's end, or a posted completion.
  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec, std::size_t n) {
    if (!receiving) return self.complete(ec, n);
    if (!take_received(ec, n)) return self.complete(ec, 0);
    (*this)(self);
  }
};

template <typename Buffers>
asio::const_buffer last_nonempty(const Buffers& buffers) {
  asio::const_buffer last;
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers);
       ++it) {
    if (asio::const_buffer(*it).size() != 0) last = *it;
  }
  return last;
}

constexpr std::size_t records_for(std::size_t bytes) {
  return (bytes + kRecordSize - 1) / kRecordSize;
}

// How many of the buffers' first bytes one SSL_write is given when several
// small ones lead: all of them up to a record, so that a head and its body
// leave as one — unless what precedes the last buffer can go as a record of
// its own with no more records in all (a head and a whole 16 KiB body: two
// records either way), when copying the body would buy nothing.
template <typename Buffers>
std::size_t gathered_size(const Buffers& buffers) {
  const std::size_t total = asio::buffer_size(buffers);
  if (total <= kRecordSize) return total;
  const std::size_t last = last_nonempty(buffers).size();
  const std::size_t lead = total - last;
  if (lead <= kRecordSize && 1 + records_for(last) <= records_for(total)) return lead;
  return kRecordSize;
}

// What one SSL_write is given: one buffer as it is; several small ones
// gathered into the session's scratch (gathered_size). The same buffers give
// the same bytes at the same place: a write OpenSSL asked to retry is
// retried with them.
template <typename Buffers>
void prepare_record(tls::Session& session, const Buffers& buffers, const void*& data,
                    std::size_t& size) {
  const auto first = first_nonempty<asio::const_buffer>(buffers);
  const std::size_t gathered = first.size() >= kRecordSize ? first.size() : gathered_size(buffers);
  if (gathered == first.size()) {
    data = first.data();
    size = first.size();
    return;
  }
  std::vector<char>& scratch = session.scratch();
  scratch.resize(gathered);
  size = asio::buffer_copy(asio::buffer(scratch), buffers);
  data = scratch.data();
}

template <typename Buffers>
struct TlsWriteOp : TlsOpBase {
  Buffers buffers;
  const void* data = nullptr;  // what SSL_write is given, the same on every retry
  std::size_t size = 0;
  bool prepared = false;

  void prepare() {
    prepared = true;
    prepare_record(session, buffers, data, size);
  }

  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec = {}) {
    if (ec) {
      self.complete(ec, 0);
      return;
    }
    if (!prepared) prepare();
    if (size == 0) return finish(self, {}, 0);
    std::size_t n = 0;
    clear_stale_errors();
    errno = 0;
    const int result = SSL_write_ex(session.ssl(), data, size, &n);
    if (result == 1) return finish(self, {}, n);
    const int error = SSL_get_error(session.ssl(), result);
    if (wait_for(self, error, false)) return;
    finish(self, failure_code(), 0);
  }

  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec, std::size_t n) {
    self.complete(ec, n);
  }
};

}  // namespace stream_detail

class Stream {
 public:
  // Cleartext: the socket's own operations.
  Stream(tcp::socket& socket) noexcept : socket_(&socket) {}  // NOLINT(google-explicit-constructor)
  // TLS over `socket` when `tls` is not null.
  Stream(tcp::socket& socket, tls::Session* tls) noexcept : socket_(&socket), tls_(tls) {}

  using executor_type = tcp::socket::executor_type;
  executor_type get_executor() const { return socket_->get_executor(); }

  tcp::socket& socket() const { return *socket_; }
  tls::Session* tls() const { return tls_; }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    if (tls_ == nullptr) return socket_->async_read_some(buffers, std::forward<Token>(token));
    return async_read_tls(buffers, std::forward<Token>(token));
  }

  // The TLS read alone (tls() not null). With asio::deferred the two kinds
  // of read are operations of different types: a coroutine that awaits one
  // without use_awaitable's frame (Asio 1.81 makes one per operation)
  // awaits the socket's or this one in a branch of its own.
  template <typename MutableBuffers, typename Token>
  auto async_read_tls(const MutableBuffers& buffers, Token&& token) {
    return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        stream_detail::TlsReadOp<MutableBuffers>{{*socket_, *tls_}, buffers}, token, *socket_);
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    if (tls_ == nullptr) return socket_->async_write_some(buffers, std::forward<Token>(token));
    return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        stream_detail::TlsWriteOp<ConstBuffers>{{*socket_, *tls_}, buffers}, token, *socket_);
  }

  // No more writes: TLS says close_notify first (when it can go at once).
  void shutdown_send() const {
    if (tls_ != nullptr) tls_->close_notify();
    boost::system::error_code ignored;
    socket_->shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  tcp::socket* socket_;
  tls::Session* tls_ = nullptr;
};

}  // namespace centinela::net
