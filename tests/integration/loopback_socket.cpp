#include "loopback_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace itest {

namespace {

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits for `events` on fd until the deadline; false on timeout (errno ETIMEDOUT).
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) {
      errno = ETIMEDOUT;
      return false;
    }
    if (errno != EINTR) return false;
  }
}

}  // namespace

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.release();
  }
  return *this;
}

int Socket::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void Socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ReservedPort::ReservedPort() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  if (!socket_.valid()) return;
  int one = 1;
  ::setsockopt(socket_.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(socket_.fd(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in address = loopback_address(0);
  socklen_t length = sizeof address;
  if (::bind(socket_.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket_.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    socket_.close();
    return;
  }
  port_ = ntohs(address.sin_port);
}

Socket connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout, std::string* error) {
  auto fail = [&](const char* what) {
    if (error) *error = std::string(what) + ": " + std::strerror(errno);
    return Socket();
  };
  Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!socket.valid()) return fail("socket");
  int one = 1;
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address = loopback_address(port);
  if (::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS) return fail("connect");
    if (!wait_for(socket.fd(), POLLOUT, Clock::now() + timeout)) return fail("connect wait");
    int so_error = 0;
    socklen_t length = sizeof so_error;
    ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &so_error, &length);
    if (so_error != 0) {
      errno = so_error;
      return fail("connect");
    }
  }
  return socket;
}

bool send_all(int fd, std::string_view bytes, Clock::time_point deadline, std::string* error) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_for(fd, POLLOUT, deadline)) continue;
    }
    if (error) *error = std::string("send: ") + std::strerror(errno);
    return false;
  }
  return true;
}

long recv_some(int fd, char* buffer, std::size_t capacity, Clock::time_point deadline) {
  for (;;) {
    ssize_t got = ::recv(fd, buffer, capacity, 0);
    if (got >= 0) return static_cast<long>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    if (!wait_for(fd, POLLIN, deadline)) return -1;
  }
}

}  // namespace itest
