#include "observe/log_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "observe/event_log.h"
#include "observe/gzip_file.h"
#include "observe/log_rotation.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

constexpr auto kReopenInterval = std::chrono::seconds(10);

std::string errno_text() { return std::strerror(errno); }

}  // namespace

LogSink::~LogSink() { close(); }

void LogSink::close() {
  if (kind_ == Kind::file && fd_ >= 0) ::close(fd_);
  kind_ = Kind::off;
  fd_ = -1;
  size_ = 0;
}

void LogSink::open(const config::AccessLogConfig& cfg, std::chrono::system_clock::time_point now) {
  close();
  path_ = cfg.path;
  rotate_ = cfg.rotate;
  reported_write_error_ = false;
  if (!cfg.enabled || cfg.path == "off" || cfg.path.empty()) return;
  if (cfg.path == "stdout" || cfg.path == "stderr") {
    kind_ = Kind::stream;
    fd_ = cfg.path == "stdout" ? 1 : 2;
    return;
  }
  kind_ = Kind::file;
  next_open_attempt_ = {};
  open_file(now);
}

void LogSink::reopen(std::chrono::system_clock::time_point now) {
  if (kind_ != Kind::file) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  next_open_attempt_ = {};
  open_file(now);
}

bool LogSink::open_file(std::chrono::system_clock::time_point now) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (next_open_attempt_ == std::chrono::system_clock::time_point{}) {
      log_event(Level::error, "cannot open access log", {{"path", path_}, {"error", errno_text()}});
    }
    next_open_attempt_ = now + kReopenInterval;
    return false;
  }
  if (next_open_attempt_ != std::chrono::system_clock::time_point{}) {
    log_event(Level::info, "access log opened", {{"path", path_}});
  }
  next_open_attempt_ = {};
  struct stat info {};
  size_ = 0;
  day_ = utc_day_number(now);
  if (::fstat(fd_, &info) == 0 && info.st_size > 0) {
    size_ = static_cast<std::uint64_t>(info.st_size);
    // Content left from an earlier day is rotated on the first write.
    day_ = utc_day_number(std::chrono::system_clock::from_time_t(info.st_mtime));
  }
  return true;
}

void LogSink::write_to_fd(std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      // Lines are dropped rather than retried: a full disk must not stall the
      // writer forever or grow memory. Reported once until a write succeeds.
      if (!reported_write_error_) {
        log_event(Level::error, "access log write failed",
                  {{"path", path_}, {"error", errno_text()}});
        reported_write_error_ = true;
      }
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
    if (kind_ == Kind::file) size_ += static_cast<std::uint64_t>(written);
  }
  reported_write_error_ = false;
}

void LogSink::write(std::string_view lines, std::chrono::system_clock::time_point now) {
  if (kind_ == Kind::off || lines.empty()) return;
  if (kind_ == Kind::stream) {
    if (fd_ == 2) {
      write_under_event_lock(fd_, lines);  // stderr is shared with the event log
    } else {
      write_to_fd(lines);
    }
    return;
  }
  if (fd_ < 0 && (now < next_open_attempt_ || !open_file(now))) return;

  if (size_ == 0) day_ = utc_day_number(now);
  if (rotate_.daily && utc_day_number(now) != day_) rotate(now);
  while (!lines.empty() && fd_ >= 0) {
    std::size_t chunk = lines.size();
    if (rotate_.max_size > 0 && size_ + lines.size() > rotate_.max_size) {
      // As many whole lines as still fit in this file.
      const std::uint64_t room = size_ < rotate_.max_size ? rotate_.max_size - size_ : 0;
      const std::size_t last_newline =
          room > 0 ? lines.rfind('\n', room - 1) : std::string_view::npos;
      if (last_newline != std::string_view::npos) {
        chunk = last_newline + 1;
      } else if (size_ == 0) {
        chunk = std::min(lines.find('\n'), lines.size() - 1) + 1;  // oversized line: alone
      } else {
        rotate(now);
        continue;
      }
    }
    write_to_fd(lines.substr(0, chunk));
    lines.remove_prefix(chunk);
    if (!lines.empty()) rotate(now);
  }
}

void LogSink::rotate(std::chrono::system_clock::time_point now) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::string rotated = rotated_file_name(path_, now);
  if (std::rename(path_.c_str(), rotated.c_str()) != 0) {
    log_event(Level::error, "cannot rotate access log",
              {{"path", path_}, {"to", rotated}, {"error", errno_text()}});
    // Keep appending to the unrotated file rather than losing lines.
    open_file(now);
    if (fd_ >= 0) {
      size_ = 0;
      day_ = utc_day_number(now);
    }
    return;
  }
  open_file(now);

  if (rotate_.compress) {
    std::string error;
    if (gzip_file(rotated, rotated + ".gz", error)) {
      std::remove(rotated.c_str());
    } else {
      log_event(Level::error, "cannot compress rotated access log",
                {{"path", rotated}, {"error", error}});
    }
  }
  for (const std::string& failed : prune_rotated_files(path_, rotate_.keep)) {
    log_event(Level::error, "cannot delete old access log", {{"path", failed}});
  }
}

}  // namespace centinela::observe
