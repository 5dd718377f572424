// Where access log lines end up: stdout, stderr, nothing, or a file with
// size/daily rotation, compression and retention. Used by the access log's
// writer thread only: every call here may block on disk.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"

namespace centinela::observe {

class LogSink {
 public:
  LogSink() = default;
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Closes the current target and opens the one `cfg` names ("stdout",
  // "stderr", "off", or a file opened for append, created if missing).
  // Failures are reported on the event log; the sink then discards lines and
  // tries to open the file again on later writes (at most every 10 s).
  void open(const config::AccessLogConfig& cfg,
            std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  void close();

  // Opens the same file again (a tool moved it away: logrotate's
  // `postrotate`, SIGUSR1). Streams and "off" are left as they are.
  void reopen(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // Appends whole lines, rotating the file first when it is due: daily at UTC
  // midnight, or by size so that no file exceeds max_size (a single line
  // longer than max_size gets a file of its own).
  void write(std::string_view lines,
             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  bool is_file() const { return kind_ == Kind::file; }

 private:
  enum class Kind { off, stream, file };

  bool open_file(std::chrono::system_clock::time_point now);
  void rotate(std::chrono::system_clock::time_point now);
  void write_to_fd(std::string_view data);

  Kind kind_ = Kind::off;
  int fd_ = -1;
  std::string path_;
  config::RotateConfig rotate_;
  std::uint64_t size_ = 0;
  std::int64_t day_ = 0;  // UTC day the current file's content started
  std::chrono::system_clock::time_point next_open_attempt_{};
  bool reported_write_error_ = false;
};

}  // namespace centinela::observe
