#include "net/client_close_watch.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>

#include "net/deadline.h"
#include "stage/background.h"

namespace centinela::net {
namespace {

// What made the socket readable: the client's end (FIN or reset), or bytes.
bool client_closed(int fd, bool tls) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) return true;
  if ((p.revents & POLLRDHUP) == 0) return false;  // bytes only: a pipelined request
  // Shut for writing. Over TLS the bytes before the end are its close_notify.
  // In cleartext, bytes before it are a request still waiting for its turn;
  // none is the end nginx counts as a client that closed its request.
  if (tls) return true;
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
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
  wait();
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
  socket_->async_wait(
      tcp::socket::wait_read,
      asio::bind_allocator(
          WaitMemory<void>(*this),
          asio::bind_cancellation_slot(
              cancel_.slot(), [this](const boost::system::error_code& ec) { on_ready(ec); })));
}

void ClientCloseWatch::on_ready(const boost::system::error_code& ec) {
  pending_ = false;
  if (!watching_ || ec) return;
  if (!client_closed(socket_->native_handle(), tls_)) {
    bytes_came_ = true;
    wait();  // the end may follow them
    return;
  }
  watching_ = false;
  gone_ = true;
  // Others waiting on this request's fetch keep it going; the response then
  // meets the closed connection and goes only to them (pipeline::run).
  if (!stage::fetch_awaited(*ctx_)) exchange_->abandon();
}

void ClientCloseWatch::stop() {
  prepared_ = false;
  watching_ = false;
  gone_ = false;
  // The exchange is over: the connection's next waits are its own.
  if (exchange_ != nullptr) exchange_->clear_abandoned();
  // Only while a wait is outstanding: the slot's handler refers to the
  // socket's reactor state.
  if (pending_) cancel_.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> ClientCloseWatch::settle() {
  stop();
  while (pending_) co_await asio::post(socket_->get_executor(), use_nothrow);
}

}  // namespace centinela::net
