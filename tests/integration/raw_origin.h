// An origin that misbehaves on purpose, byte by byte: for every connection it
// accepts, the test's script runs on that connection's own thread and decides
// what goes on the wire — read a request, write any bytes (a body after a HEAD
// answer, a second response nobody asked for, a close-delimited body), pause,
// write more, keep the connection open or close it. Scripts leave marks that
// the test waits for instead of sleeping.
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
#include <string_view>
#include <thread>
#include <vector>

namespace itest {

class RawOrigin;

// One request as the gateway sent it.
struct RawRequest {
  std::string method;
  std::string target;
  std::string head;      // request line and fields, through the blank line
  std::string body;      // decoded (Content-Length or chunked)
  std::string trailers;  // a chunked body's trailer lines, each ending in CRLF
};

// The accepted connection a script drives.
class RawConnection {
 public:
  RawConnection(RawOrigin& origin, int fd, std::size_t index)
      : origin_(origin), fd_(fd), index_(index) {}

  // The next request, head and body; nullopt on EOF, error, garbage, timeout
  // or when the origin stops.
  std::optional<RawRequest> read_request(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool write(std::string_view bytes);
  // Sleeps; false (at once) when the origin is stopping.
  bool pause(std::chrono::milliseconds delay);
  // Closes the connection both ways now (the thread closes the descriptor later).
  void hang_up();
  // Whether the peer closes the connection (EOF or reset) within `timeout`;
  // bytes that arrive meanwhile are kept for read_request.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Records that the script got somewhere (RawOrigin::wait_for_mark).
  void mark(const std::string& name);
  // 0 for the first connection the origin accepted, then 1, 2...
  std::size_t index() const { return index_; }

 private:
  // Appends what arrives before `deadline`; false on EOF, error or timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);
  bool read_line(std::string& line, std::chrono::steady_clock::time_point deadline);
  bool read_exactly(std::size_t n, std::string& out,
                    std::chrono::steady_clock::time_point deadline);

  RawOrigin& origin_;
  int fd_;
  std::size_t index_;
  std::string buffer_;  // received, not yet consumed
};

using RawScript = std::function<void(RawConnection&)>;

class RawOrigin {
 public:
  explicit RawOrigin(RawScript script);
  ~RawOrigin();
  RawOrigin(const RawOrigin&) = delete;
  RawOrigin& operator=(const RawOrigin&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"
  std::size_t connections_accepted() const { return connections_accepted_; }
  // Requests read by all scripts, in order, as "METHOD target".
  std::vector<std::string> requests() const;

  std::size_t mark_count(const std::string& name) const;
  // Waits until the scripts have marked `name` at least `count` times.
  bool wait_for_mark(const std::string& name, std::size_t count,
                     std::chrono::milliseconds timeout) const;

  // Stops accepting, cuts every connection, joins the script threads.
  void stop();

 private:
  friend class RawConnection;
  void accept_loop();
  bool stopping() const { return stopping_; }
  bool pause(std::chrono::milliseconds delay);
  void record(std::string line, std::string mark);

  RawScript script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> connections_accepted_{0};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::string> requests_;
  std::map<std::string, std::size_t> marks_;
  std::set<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread accept_thread_;
};

// "HTTP/1.1 200 OK" with Content-Length and `body`.
std::string raw_response(int status, std::string_view body, std::string_view extra_fields = {});

}  // namespace itest
