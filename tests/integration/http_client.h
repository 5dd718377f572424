// A raw-socket HTTP/1.1 client: sends exactly the bytes a test gives it and
// reads one response at a time, every read bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "header_list.h"
#include "loopback_socket.h"

namespace itest {

struct HttpResponse {
  int status = 0;  // 0: no response; see `error`
  std::string reason;
  HeaderList headers;
  std::string body;  // up to ReadOptions::keep_body_bytes
  std::uint64_t body_bytes = 0;
  std::uint32_t body_crc32 = 0;
  bool chunked = false;
  std::string trailers;               // a chunked body's trailer lines, each ending in CRLF
  std::vector<int> interim_statuses;  // 1xx responses skipped before this one
  std::string error;                  // why status is 0, or what went wrong mid-body

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
  bool has_header(std::string_view name) const { return header(name).has_value(); }
};

struct ReadOptions {
  std::chrono::milliseconds timeout{5000};  // for the whole response
  bool head_request = false;                // the response has no body
  bool stop_at_interim = false;             // return a 1xx instead of skipping it
  std::size_t keep_body_bytes = 16 * 1024 * 1024;
};

// One client connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port, std::chrono::milliseconds connect_timeout = 2000ms);

  bool connected() const { return socket_.valid(); }
  const std::string& error() const { return error_; }
  int fd() const { return socket_.fd(); }

  bool send(std::string_view bytes, std::chrono::milliseconds timeout = 5000ms);
  // Sends `length` pattern bytes (pattern_body.h) starting at pattern offset 0.
  bool send_pattern(std::uint64_t length, std::chrono::milliseconds timeout);
  HttpResponse read_response(const ReadOptions& options = {});
  // Whether the peer closes (EOF or reset) within the timeout; whatever it
  // sends first is appended to *received.
  bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr);
  void close() { socket_.close(); }

 private:
  bool fill(Clock::time_point deadline, std::string& error);
  bool read_head(std::string& head, Clock::time_point deadline, std::string& error);
  bool read_line(std::string& line, Clock::time_point deadline, std::string& error);

  std::string error_;  // declared before socket_: the constructor writes it while connecting
  Socket socket_;
  std::string buffer_;  // received, not yet consumed
};

// "METHOD TARGET HTTP/1.1" + headers + body. Adds `Host: 127.0.0.1` unless
// given, and Content-Length when there is a body or the method usually has
// one, unless Content-Length or Transfer-Encoding is given.
std::string build_request(std::string_view method, std::string_view target,
                          const HeaderList& headers = {}, std::string_view body = {});

// One request on a fresh connection.
HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          const HeaderList& headers = {}, std::string_view body = {},
                          std::chrono::milliseconds timeout = 5000ms);
HttpResponse http_get(std::uint16_t port, std::string_view target, const HeaderList& headers = {},
                      std::chrono::milliseconds timeout = 5000ms);

}  // namespace itest
