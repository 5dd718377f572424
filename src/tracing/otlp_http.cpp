#include "tracing/otlp_http.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace centinela::tracing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxAnswerHead = 16 * 1024;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` until the deadline: true when ready.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

// A connected non-blocking socket to one of the collector's addresses.
PostResult connect_to(const config::OtlpCollector& collector, Clock::time_point deadline,
                      int& out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(collector.port);
  if (::getaddrinfo(collector.host.c_str(), port.c_str(), &hints, &found) != 0) {
    return PostResult::connect_failed;
  }
  PostResult result = PostResult::connect_failed;
  for (addrinfo* a = found; a != nullptr && out < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      out = fd;
      break;
    }
    int error = errno;
    if (error == EINPROGRESS) {
      if (!wait_for(fd, POLLOUT, deadline)) {
        result = PostResult::timeout;
        ::close(fd);
        break;
      }
      socklen_t size = sizeof error;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    }
    if (error == 0) {
      out = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  return out >= 0 ? PostResult::ok : result;
}

PostResult send_all(int fd, std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd, POLLOUT, deadline)) return PostResult::timeout;
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else {
      return PostResult::io_error;
    }
  }
  return PostResult::ok;
}

// Reads until the answer's status line is complete; its status code.
PostOutcome read_status(int fd, Clock::time_point deadline) {
  std::string head;
  char chunk[2048];
  while (head.find("\r\n") == std::string::npos) {
    if (head.size() > kMaxAnswerHead) return {PostResult::io_error, 0};
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got > 0) {
      head.append(chunk, static_cast<std::size_t>(got));
    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd, POLLIN, deadline)) return {PostResult::timeout, 0};
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      return {PostResult::io_error, 0};
    }
  }
  // "HTTP/1.1 200 OK"
  if (!head.starts_with("HTTP/1.") || head.size() < 12 || head[8] != ' ') {
    return {PostResult::io_error, 0};
  }
  unsigned status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (head[i] < '0' || head[i] > '9') return {PostResult::io_error, 0};
    status = status * 10 + static_cast<unsigned>(head[i] - '0');
  }
  const bool success = status >= 200 && status < 300;
  return {success ? PostResult::ok : PostResult::http_error, status};
}

std::string request_head(const config::OtlpCollector& collector, std::string_view path,
                         const std::vector<config::OtlpHeader>& headers, std::size_t length) {
  std::string head;
  head.reserve(256);
  head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(collector.text);
  head.append("\r\nContent-Type: application/json\r\nContent-Length: ");
  head.append(std::to_string(length));
  head.append("\r\nConnection: close\r\nUser-Agent: centinela\r\n");
  for (const config::OtlpHeader& header : headers) {
    head.append(header.name).append(": ").append(header.value).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

}  // namespace

std::string_view failure_reason(PostResult result) {
  switch (result) {
    case PostResult::ok:
      return "none";
    case PostResult::connect_failed:
      return "connect";
    case PostResult::timeout:
      return "timeout";
    case PostResult::http_error:
      return "http_status";
    case PostResult::io_error:
      return "io";
  }
  return "io";
}

PostOutcome post_json(const config::OtlpCollector& collector, std::string_view path,
                      const std::vector<config::OtlpHeader>& headers, std::string_view body,
                      Clock::time_point deadline) {
  int fd = -1;
  if (const PostResult connected = connect_to(collector, deadline, fd);
      connected != PostResult::ok) {
    return {connected, 0};
  }
  Socket socket(fd);
  const std::string head = request_head(collector, path, headers, body.size());
  if (const PostResult sent = send_all(fd, head, deadline); sent != PostResult::ok)
    return {sent, 0};
  if (const PostResult sent = send_all(fd, body, deadline); sent != PostResult::ok)
    return {sent, 0};
  return read_status(fd, deadline);
}

}  // namespace centinela::tracing
