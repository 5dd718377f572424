#include "test_origin.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "json_value.h"
#include "pattern_body.h"

namespace itest {

namespace {

constexpr std::size_t kMaxHeadBytes = 1024 * 1024;
constexpr std::size_t kKeptBodyBytes = 4 * 1024 * 1024;

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Buffered reads from a blocking socket.
class BlockingReader {
 public:
  explicit BlockingReader(int fd) : fd_(fd) {}

  // The request head up to and including the blank line; false on EOF, error
  // or a head over the limit.
  bool read_head(std::string& head) {
    for (;;) {
      std::size_t end = buffer_.find("\r\n\r\n", pos_);
      if (end != std::string::npos) {
        head.assign(buffer_, pos_, end + 4 - pos_);
        pos_ = end + 4;
        return true;
      }
      if (buffer_.size() - pos_ > kMaxHeadBytes || !fill()) return false;
    }
  }

  // One CRLF-terminated line, without the CRLF.
  bool read_line(std::string& line) {
    for (;;) {
      std::size_t end = buffer_.find("\r\n", pos_);
      if (end != std::string::npos) {
        line.assign(buffer_, pos_, end - pos_);
        pos_ = end + 2;
        return true;
      }
      if (buffer_.size() - pos_ > 64 * 1024 || !fill()) return false;
    }
  }

  // Exactly `length` bytes into the digest.
  bool read_body(std::uint64_t length, BodyDigest& digest) {
    while (length > 0) {
      if (pos_ < buffer_.size()) {
        std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer_.size() - pos_));
        digest.add(std::string_view(buffer_).substr(pos_, take));
        pos_ += take;
        length -= take;
        continue;
      }
      buffer_.clear();
      pos_ = 0;
      char chunk[64 * 1024];
      ssize_t got = ::recv(
          fd_, chunk, static_cast<std::size_t>(std::min<std::uint64_t>(length, sizeof chunk)), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      digest.add(std::string_view(chunk, static_cast<std::size_t>(got)));
      length -= static_cast<std::uint64_t>(got);
    }
    return true;
  }

 private:
  bool fill() {
    if (pos_ > 0 && pos_ == buffer_.size()) {
      buffer_.clear();
      pos_ = 0;
    }
    char chunk[16 * 1024];
    for (;;) {
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }

  int fd_;
  std::string buffer_;
  std::size_t pos_ = 0;
};

// Splits the head into request line and fields; false when it is not HTTP/1.x.
bool parse_head(const std::string& head, ReceivedRequest& request) {
  std::string_view rest(head);
  std::size_t line_end = rest.find("\r\n");
  std::string_view line = rest.substr(0, line_end);
  rest.remove_prefix(line_end + 2);
  std::size_t first_space = line.find(' ');
  std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || last_space == first_space) return false;
  request.method = std::string(line.substr(0, first_space));
  request.target = std::string(line.substr(first_space + 1, last_space - first_space - 1));
  request.version = std::string(line.substr(last_space + 1));
  if (request.version.rfind("HTTP/1.", 0) != 0) return false;
  while (!rest.empty()) {
    line_end = rest.find("\r\n");
    line = rest.substr(0, line_end);
    rest.remove_prefix(line_end == std::string_view::npos ? rest.size() : line_end + 2);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(trim(line.substr(colon + 1))));
  }
  return true;
}

bool read_chunked_body(BlockingReader& reader, BodyDigest& digest, std::string& trailers) {
  for (;;) {
    std::string size_line;
    if (!reader.read_line(size_line)) return false;
    std::string_view digits = trim(std::string_view(size_line).substr(0, size_line.find(';')));
    if (digits.empty()) return false;
    char* end = nullptr;
    std::string digits_text(digits);
    unsigned long long size = std::strtoull(digits_text.c_str(), &end, 16);
    if (end != digits_text.c_str() + digits_text.size()) return false;
    if (size == 0) {
      for (;;) {
        std::string trailer;
        if (!reader.read_line(trailer)) return false;
        if (trailer.empty()) return true;
        trailers += trailer + "\r\n";
      }
    }
    std::string crlf;
    if (!reader.read_body(size, digest) || !reader.read_line(crlf) || !crlf.empty()) return false;
  }
}

std::string echo_body(const std::string& origin, const ReceivedRequest& request) {
  std::string headers = "[";
  for (const auto& [name, value] : request.headers) {
    if (headers.size() > 1) headers += ",";
    headers += "[" + json_quote(name) + "," + json_quote(value) + "]";
  }
  headers += "]";
  return fmt::format(
      R"({{"origin":{},"method":{},"target":{},"headers":{},"body_length":{},"body_crc32":{}}})",
      json_quote(origin), json_quote(request.method), json_quote(request.target), headers,
      request.body_bytes, request.body_crc32);
}

}  // namespace

std::string ReceivedRequest::path() const { return target.substr(0, target.find('?')); }

OriginReply OriginReply::text(int status, std::string body) {
  OriginReply reply;
  reply.status = status;
  reply.headers = {{"Content-Type", "text/plain"}};
  reply.body = std::move(body);
  return reply;
}

OriginReply OriginReply::json(int status, std::string body) {
  OriginReply reply;
  reply.status = status;
  reply.headers = {{"Content-Type", "application/json"}};
  reply.body = std::move(body);
  return reply;
}

TestOrigin::TestOrigin(std::string name) : name_(std::move(name)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 256) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("test origin: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

TestOrigin::~TestOrigin() { stop(); }

std::string TestOrigin::address() const { return fmt::format("127.0.0.1:{}", port_); }

void TestOrigin::on(const std::string& path, OriginHandler handler) {
  std::lock_guard lock(mutex_);
  handlers_[path] = std::move(handler);
}

void TestOrigin::reply(const std::string& path, OriginReply reply) {
  on(path, [reply = std::move(reply)](const ReceivedRequest&) { return reply; });
}

std::vector<ReceivedRequest> TestOrigin::requests(const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::vector<ReceivedRequest> matching;
  for (const ReceivedRequest& request : requests_) {
    if (request.path() == path) matching.push_back(request);
  }
  return matching;
}

std::optional<ReceivedRequest> TestOrigin::last_request(const std::string& path) const {
  std::lock_guard lock(mutex_);
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    if (it->path() == path) return *it;
  }
  return std::nullopt;
}

bool TestOrigin::wait_for_requests(const std::string& path, std::size_t n,
                                   std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    std::size_t count = 0;
    for (const ReceivedRequest& request : requests_) count += request.path() == path;
    return count >= n;
  });
}

std::vector<ReceivedRequest> TestOrigin::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::optional<ReceivedRequest> TestOrigin::last_request() const {
  std::lock_guard lock(mutex_);
  if (requests_.empty()) return std::nullopt;
  return requests_.back();
}

std::size_t TestOrigin::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t TestOrigin::request_count(const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const ReceivedRequest& request : requests_) count += request.path() == path;
  return count;
}

std::size_t TestOrigin::health_check_count() const {
  std::lock_guard lock(mutex_);
  return health_checks_;
}

bool TestOrigin::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void TestOrigin::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(connection_threads_);
  }
  changed_.notify_all();
  for (std::thread& thread : threads) thread.join();
}

void TestOrigin::accept_loop() {
  std::uint64_t next_connection_id = 1;
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
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
    std::uint64_t id = next_connection_id++;
    connection_threads_.emplace_back([this, fd, id] { serve_connection(fd, id); });
  }
}

bool TestOrigin::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, delay, [&] { return stopping_.load(); });
}

OriginReply TestOrigin::reply_for(const ReceivedRequest& request) {
  std::string path = request.path();
  if (path == "/health") {
    std::lock_guard lock(mutex_);
    if (!handlers_.count(path)) {
      int status = health_status_;
      return OriginReply::json(status,
                               status == 200 ? R"({"status":"ok"})" : R"({"status":"down"})");
    }
  }
  OriginHandler handler;
  {
    std::lock_guard lock(mutex_);
    auto found = handlers_.find(path);
    if (found != handlers_.end()) handler = found->second;
  }
  if (handler) return handler(request);
  return OriginReply::json(200, echo_body(name_, request));
}

void TestOrigin::serve_connection(int fd, std::uint64_t connection_id) {
  BlockingReader reader(fd);
  for (;;) {
    std::string head;
    if (!reader.read_head(head)) break;
    ReceivedRequest request;
    request.connection_id = connection_id;
    if (!parse_head(head, request)) {
      write_all(fd,
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 25\r\nConnection: close\r\n\r\n"
                "origin: malformed request");
      break;
    }
    if (icontains(request.header("expect").value_or(""), "100-continue")) {
      if (!write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
    }
    BodyDigest digest(kKeptBodyBytes);
    bool body_ok = true;
    if (header_has_token(request.headers, "transfer-encoding", "chunked")) {
      request.chunked = true;
      body_ok = read_chunked_body(reader, digest, request.trailers);
    } else if (auto length = request.header("content-length")) {
      body_ok = reader.read_body(std::strtoull(length->c_str(), nullptr, 10), digest);
    }
    if (!body_ok) break;  // an incomplete request is not counted
    request.body_bytes = digest.bytes();
    request.body_crc32 = digest.crc32();
    request.body = std::move(digest.kept());

    bool client_closes =
        header_has_token(request.headers, "connection", "close") || request.version == "HTTP/1.0";
    bool is_head = request.method == "HEAD";
    {
      std::lock_guard lock(mutex_);
      if (request.path() == "/health" && !handlers_.count("/health")) {
        ++health_checks_;
      } else {
        requests_.push_back(request);
      }
    }
    changed_.notify_all();

    OriginReply reply = reply_for(request);
    if (reply.close_without_answer) break;
    if (reply.delay.count() > 0 && !pause(reply.delay)) break;
    if (reply.raw) {
      write_all(fd, *reply.raw);
      break;
    }
    bool close_after = reply.close_after || client_closes;
    std::uint64_t length =
        reply.pattern_body_bytes > 0 ? reply.pattern_body_bytes : reply.body.size();
    bool has_body = !is_head && reply.status != 204 && reply.status != 304;
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", reply.status, reason_phrase(reply.status));
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    if (!find_header(reply.headers, "content-length") &&
        !find_header(reply.headers, "transfer-encoding") && reply.status != 204 &&
        reply.status != 304) {
      out += reply.chunked ? std::string("Transfer-Encoding: chunked\r\n")
                           : fmt::format("Content-Length: {}\r\n", length);
    }
    if (close_after) out += "Connection: close\r\n";
    out += "\r\n";
    bool sent = true;
    if (!has_body) {
      sent = write_all(fd, out);
    } else if (reply.chunked) {
      sent = write_all(fd, out);
      std::string body = reply.pattern_body_bytes > 0 ? pattern_string(length) : reply.body;
      std::size_t piece = std::max<std::size_t>(reply.chunk_size, 1);
      for (std::size_t offset = 0; sent && offset < body.size(); offset += piece) {
        std::string_view data = std::string_view(body).substr(offset, piece);
        sent = write_all(fd, fmt::format("{:x}\r\n", data.size())) && write_all(fd, data) &&
               write_all(fd, "\r\n");
      }
      sent = sent && write_all(fd, "0\r\n" + reply.trailers + "\r\n");
    } else if (reply.pattern_body_bytes > 0) {
      sent = write_all(fd, out);
      for (std::uint64_t offset = 0; sent && offset < length;) {
        std::string_view piece = pattern_slice(
            offset, static_cast<std::size_t>(std::min<std::uint64_t>(length - offset, 64 * 1024)));
        sent = write_all(fd, piece);
        offset += piece.size();
      }
    } else {
      out += reply.body;
      sent = write_all(fd, out);
    }
    if (!sent || close_after || stopping_) break;
  }
  std::lock_guard lock(mutex_);
  open_fds_.erase(fd);
  ::close(fd);
}

}  // namespace itest
