// Plain POSIX TCP sockets on 127.0.0.1, with deadlines so a test never hangs
// on a peer that stopped talking.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace itest {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Owns one file descriptor.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(Socket&& other) noexcept : fd_(other.release()) {}
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void close();

 private:
  int fd_ = -1;
};

// A 127.0.0.1 port held for as long as this object lives: a socket bound to it
// with SO_REUSEADDR and SO_REUSEPORT but never listening. The process under test
// (centinela, redis-server) can still bind the port and listen on it, while no
// other bind to port 0 on the machine gets it, so tests running in parallel
// cannot pick the same port between choosing it and listening on it. With
// nothing listening, a connection to it is refused: a dead server.
class ReservedPort {
 public:
  ReservedPort();
  std::uint16_t port() const { return port_; }  // 0 if no port could be bound

 private:
  Socket socket_;
  std::uint16_t port_ = 0;
};

// A non-blocking, TCP_NODELAY, close-on-exec client socket connected to
// 127.0.0.1:port; invalid on failure, with the reason in *error.
Socket connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout,
                        std::string* error = nullptr);

// Writes every byte before the deadline (non-blocking fd). False on error,
// peer reset or timeout, with the reason in *error.
bool send_all(int fd, std::string_view bytes, Clock::time_point deadline,
              std::string* error = nullptr);

// Reads what is available, waiting until the deadline (non-blocking fd).
// Returns bytes read (>0), 0 on orderly close, -1 on error (errno set;
// ETIMEDOUT when the deadline passed).
long recv_some(int fd, char* buffer, std::size_t capacity, Clock::time_point deadline);

}  // namespace itest
