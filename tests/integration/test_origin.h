// An HTTP/1.1 origin server inside the test process, on 127.0.0.1:<ephemeral>,
// that records every request it receives and answers as the test tells it:
// normally, late, chunked, with a huge streamed body, with garbage, or not at all.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "header_list.h"

namespace itest {

// One complete request as the origin received it.
struct ReceivedRequest {
  std::string method;
  std::string target;   // as on the request line, query included
  std::string version;  // "HTTP/1.1"
  HeaderList headers;
  std::string body;  // the first 4 MiB; body_bytes / body_crc32 cover all of it
  std::uint64_t body_bytes = 0;
  std::uint32_t body_crc32 = 0;
  bool chunked = false;  // arrived with Transfer-Encoding: chunked
  std::string trailers;  // a chunked body's trailer lines, each ending in CRLF
  std::uint64_t connection_id = 0;

  std::string path() const;  // target without the query
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// What the origin does after receiving a request.
struct OriginReply {
  int status = 200;
  HeaderList headers;  // Content-Length / Transfer-Encoding are added as framing requires
  std::string body;
  bool chunked = false;  // send the body as chunks of chunk_size bytes
  std::string trailers;  // with chunked: trailer lines ("Name: v\r\n" each) after the body
  std::size_t chunk_size = 1000;
  std::uint64_t pattern_body_bytes = 0;  // > 0: the body is that many pattern bytes, streamed
  std::chrono::milliseconds delay{0};    // wait this long before answering
  std::optional<std::string> raw;        // send exactly these bytes, then close
  bool close_without_answer = false;     // close the connection, send nothing
  bool close_after = false;              // "Connection: close" and close after answering

  static OriginReply text(int status, std::string body);
  static OriginReply json(int status, std::string body);
};

using OriginHandler = std::function<OriginReply(const ReceivedRequest&)>;

class TestOrigin {
 public:
  // `name` appears in the echo reply so a test can tell origins apart.
  explicit TestOrigin(std::string name = "origin");
  ~TestOrigin();
  TestOrigin(const TestOrigin&) = delete;
  TestOrigin& operator=(const TestOrigin&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"
  const std::string& name() const { return name_; }

  // Answers requests whose path (query excluded) is exactly `path`. Other
  // paths get the echo: 200 JSON {"origin","method","target","headers":[[n,v]..],
  // "body_length","body_crc32"}.
  void on(const std::string& path, OriginHandler handler);
  // Answers `path` with this fixed reply from now on (replaces any handler).
  void reply(const std::string& path, OriginReply reply);
  // `/health` answers this status (200 at first).
  void set_health_status(int status) { health_status_ = status; }

  // Requests other than /health, in arrival order.
  std::vector<ReceivedRequest> requests() const;
  std::optional<ReceivedRequest> last_request() const;
  // The same, restricted to requests whose path (query excluded) is `path`.
  std::vector<ReceivedRequest> requests(const std::string& path) const;
  std::optional<ReceivedRequest> last_request(const std::string& path) const;
  std::size_t request_count() const;
  std::size_t request_count(const std::string& path) const;
  std::size_t health_check_count() const;
  std::size_t connections_accepted() const { return connections_accepted_; }
  // Waits until request_count() >= n.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  // Waits until request_count(path) >= n.
  bool wait_for_requests(const std::string& path, std::size_t n,
                         std::chrono::milliseconds timeout) const;

  // Stops accepting and cuts every connection; called by the destructor.
  void stop();

 private:
  void accept_loop();
  void serve_connection(int fd, std::uint64_t connection_id);
  OriginReply reply_for(const ReceivedRequest& request);
  bool pause(std::chrono::milliseconds delay);  // false when stopping

  std::string name_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> health_status_{200};
  std::atomic<std::size_t> connections_accepted_{0};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, OriginHandler> handlers_;
  std::vector<ReceivedRequest> requests_;
  std::size_t health_checks_ = 0;
  std::set<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace itest
