#include "net/client_close_watch.h"

#include <poll.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "net/deadline.h"
#include "stage/background.h"

namespace centinela::net {
namespace {

// Over TLS, bytes that came may be the client's close_notify: gone when its
// FIN (or reset) came with them.
bool peer_shut(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace

void ClientCloseWatch::prepare(tcp::socket& socket, bool tls, DeadlineWatch& exchange,
                               const beast::flat_buffer& unread, const stage::RequestContext& ctx) {
  socket_ = &socket;
  tls_ = tls;
  exchange_ = &exchange;
  unread_ = &unread;
  ctx_ = &ctx;
  prepared_ = true;
  gone_ = false;
  bytes_came_ = false;
}

void ClientCloseWatch::start() {
  if (!prepared_ || watching_ || pending_ || unread_->size() != 0) return;
  prepared_ = false;
  watching_ = true;
  exchange_->run_at_next_tick(*this);
}

void ClientCloseWatch::on_tick() {
  if (watching_ && !pending_) wait();
}

// An allocator for the one wait a watch has at a time: its own bytes (Asio
// frees an operation's memory before its handler runs, so the next wait
// finds them free), the heap only if the operation would not fit.
template <typename T>
struct ClientCloseWatch::WaitMemory {
  using value_type = T;
  explicit WaitMemory(ClientCloseWatch& watch) : watch_(&watch) {}
  template <typename U>
  WaitMemory(const WaitMemory<U>& other) noexcept : watch_(other.watch_) {}
  T* allocate(std::size_t n) {
    if (!watch_->memory_used_ && n * sizeof(T) <= sizeof watch_->memory_) {
      watch_->memory_used_ = true;
      return reinterpret_cast<T*>(watch_->memory_);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t) noexcept {
    if (reinterpret_cast<unsigned char*>(p) == watch_->memory_) {
      watch_->memory_used_ = false;
    } else {
      ::operator delete(p);
    }
  }
  template <typename U>
  bool operator==(const WaitMemory<U>& other) const noexcept {
    return watch_ == other.watch_;
  }
  ClientCloseWatch* watch_;
};

void ClientCloseWatch::wait() {
  pending_ = true;
  // A one-byte peek, not a readiness wait: Asio re-arms the descriptor with
  // epoll_ctl for every async_wait. A read it tries at once: one recv that
  // finds nothing (EAGAIN) — Asio 1.81 skips that try only after a read that
  // returned 0 bytes, not after one that drained the socket
  // (reactive_socket_recv_op), hence the wait for a sweep (start()).
  // Peeked bytes stay in the socket for the connection's next read.
  socket_->async_receive(
      asio::buffer(&peeked_, 1), tcp::socket::message_peek,
      asio::bind_allocator(
          WaitMemory<void>(*this),
          asio::bind_cancellation_slot(cancel_.slot(), [this](const boost::system::error_code& ec,
                                                              std::size_t) { on_ready(ec); })));
}

void ClientCloseWatch::on_ready(const boost::system::error_code& ec) {
  pending_ = false;
  if (!watching_ || ec == asio::error::operation_aborted) return;
  watching_ = false;
  // Bytes: a pipelined request (or TLS records) — the client is there, and
  // the watch ends (waiting again on bytes not yet read would wake at once).
  // The end (0 bytes: eof) or a reset: gone.
  if (!ec && !(tls_ && peer_shut(socket_->native_handle()))) {
    bytes_came_ = true;
    return;
  }
  gone_ = true;
  // Others waiting on this request's fetch keep it going; the response then
  // meets the closed connection and goes only to them (pipeline::run).
  if (!stage::fetch_awaited(*ctx_)) exchange_->abandon();
}

void ClientCloseWatch::stop() {
  prepared_ = false;
  watching_ = false;
  gone_ = false;
  // The exchange is over: the connection's next waits are its own. And it
  // is forgotten: the slot's next request may be on another connection and
  // not watched (no prepare()), while this one's may be gone by its end.
  if (DeadlineWatch* exchange = std::exchange(exchange_, nullptr)) {
    exchange->cancel_tick_task(*this);
    exchange->clear_abandoned();
  }
  // Only while a wait is outstanding: the slot's handler refers to the
  // socket's reactor state.
  if (pending_) cancel_.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> ClientCloseWatch::settle() {
  stop();
  while (pending_) co_await asio::post(socket_->get_executor(), use_nothrow);
}

}  // namespace centinela::net
