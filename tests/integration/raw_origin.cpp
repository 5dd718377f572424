#include "raw_origin.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace itest {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxLine = 64 * 1024;

// Case-insensitive search for a field in a raw head; its value, trimmed.
std::optional<std::string> find_field(const std::string& head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const std::size_t start = pos + 2;
    const std::size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    const std::string_view line(head.data() + start, end - start);
    const std::size_t colon = line.find(':');
    if (colon == name.size() &&
        std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      return std::string(value);
    }
    pos = end;
  }
  return std::nullopt;
}

}  // namespace

std::string raw_response(int status, std::string_view body, std::string_view extra_fields) {
  return fmt::format("HTTP/1.1 {} Status\r\nContent-Length: {}\r\n{}\r\n{}", status, body.size(),
                     extra_fields, body);
}

bool RawConnection::fill(SteadyClock::time_point deadline) {
  for (;;) {
    if (origin_.stopping()) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    // Short polls, so a stopping origin is noticed.
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 100)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) continue;
    char chunk[16 * 1024];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
}

bool RawConnection::read_line(std::string& line, SteadyClock::time_point deadline) {
  for (;;) {
    const std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      line.assign(buffer_, 0, end);
      buffer_.erase(0, end + 2);
      return true;
    }
    if (buffer_.size() > kMaxLine || !fill(deadline)) return false;
  }
}

bool RawConnection::read_exactly(std::size_t n, std::string& out,
                                 SteadyClock::time_point deadline) {
  while (buffer_.size() < n) {
    if (!fill(deadline)) return false;
  }
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return true;
}

std::optional<RawRequest> RawConnection::read_request(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  RawRequest request;
  for (;;) {
    const std::size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      request.head = buffer_.substr(0, end + 4);
      buffer_.erase(0, end + 4);
      break;
    }
    if (buffer_.size() > kMaxLine || !fill(deadline)) return std::nullopt;
  }
  const std::size_t first_space = request.head.find(' ');
  const std::size_t second_space = request.head.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) return std::nullopt;
  request.method = request.head.substr(0, first_space);
  request.target = request.head.substr(first_space + 1, second_space - first_space - 1);

  if (auto length = find_field(request.head, "Content-Length")) {
    if (!read_exactly(std::strtoull(length->c_str(), nullptr, 10), request.body, deadline)) {
      return std::nullopt;
    }
  } else if (find_field(request.head, "Transfer-Encoding")) {
    for (;;) {
      std::string size_line;
      if (!read_line(size_line, deadline)) return std::nullopt;
      const std::size_t size = std::strtoull(size_line.c_str(), nullptr, 16);
      if (size == 0) {
        for (;;) {
          std::string trailer;
          if (!read_line(trailer, deadline)) return std::nullopt;
          if (trailer.empty()) break;
          request.trailers += trailer + "\r\n";
        }
        break;
      }
      std::string crlf;
      if (!read_exactly(size, request.body, deadline) || !read_line(crlf, deadline)) {
        return std::nullopt;
      }
    }
  }
  origin_.record(request.method + " " + request.target, {});
  return request;
}

bool RawConnection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void RawConnection::hang_up() { ::shutdown(fd_, SHUT_RDWR); }

bool RawConnection::pause(std::chrono::milliseconds delay) { return origin_.pause(delay); }

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (SteadyClock::now() < deadline) {
    if (!fill(deadline)) return SteadyClock::now() < deadline && !origin_.stopping();
  }
  return false;
}

void RawConnection::mark(const std::string& name) { origin_.record({}, name); }

RawOrigin::RawOrigin(RawScript script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("raw origin: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

RawOrigin::~RawOrigin() { stop(); }

std::string RawOrigin::address() const { return fmt::format("127.0.0.1:{}", port_); }

std::vector<std::string> RawOrigin::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t RawOrigin::mark_count(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = marks_.find(name);
  return it == marks_.end() ? 0 : it->second;
}

bool RawOrigin::wait_for_mark(const std::string& name, std::size_t count,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    auto it = marks_.find(name);
    return it != marks_.end() && it->second >= count;
  });
}

void RawOrigin::record(std::string line, std::string mark) {
  {
    std::lock_guard lock(mutex_);
    if (!line.empty()) requests_.push_back(std::move(line));
    if (!mark.empty()) ++marks_[mark];
  }
  changed_.notify_all();
}

bool RawOrigin::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, delay, [&] { return stopping_.load(); });
}

void RawOrigin::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  changed_.notify_all();
  for (std::thread& thread : threads) thread.join();
}

void RawOrigin::accept_loop() {
  std::size_t next_index = 0;
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++connections_accepted_;
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.insert(fd);
    const std::size_t index = next_index++;
    threads_.emplace_back([this, fd, index] {
      RawConnection connection(*this, fd, index);
      script_(connection);
      {
        std::lock_guard done(mutex_);
        open_fds_.erase(fd);
      }
      ::close(fd);
    });
  }
}

}  // namespace itest
