#include "observe/event_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <mutex>

#include "observe/json_escape.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<int> g_fd{2};
std::mutex g_write_mutex;

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing log
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

void set_event_log_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level event_log_level() { return g_level.load(std::memory_order_relaxed); }
bool event_log_enabled(Level level) { return level >= event_log_level(); }

Level parse_level(std::string_view text) {
  if (text == "debug") return Level::debug;
  if (text == "warn" || text == "warning") return Level::warn;
  if (text == "error") return Level::error;
  return Level::info;
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

int set_event_log_fd(int fd) { return g_fd.exchange(fd); }

void append_event_prefix(std::string& out, std::chrono::system_clock::time_point ts, Level level,
                         std::string_view message) {
  out.append("{\"ts\":\"");
  append_rfc3339_ms(out, ts);
  out.append("\",\"level\":\"").append(to_string(level)).append("\",\"msg\":");
  append_json_string(out, message);
}

void EventField::append_value(std::string& out) const {
  char text[32];
  std::to_chars_result written{};
  switch (kind_) {
    case Kind::text:
      append_json_string(out, text_);
      return;
    case Kind::integer:
      written = std::to_chars(text, text + sizeof text, integer_);
      break;
    case Kind::unsigned_integer:
      written = std::to_chars(text, text + sizeof text, unsigned_);
      break;
    case Kind::real:
      if (!std::isfinite(real_)) {
        out.append("null");
        return;
      }
      written = std::to_chars(text, text + sizeof text, real_);
      break;
  }
  out.append(text, written.ptr);
}

void log_event(Level level, std::string_view message, std::initializer_list<EventField> fields) {
  if (!event_log_enabled(level)) return;
  std::string line;
  line.reserve(128);
  append_event_prefix(line, std::chrono::system_clock::now(), level, message);
  for (const EventField& field : fields) {
    line.push_back(',');
    append_json_string(line, field.name());
    line.push_back(':');
    field.append_value(line);
  }
  line.append("}\n");
  write_event_lines(line);
}

void write_event_lines(std::string_view lines) { write_under_event_lock(g_fd.load(), lines); }

void write_under_event_lock(int fd, std::string_view data) {
  std::lock_guard lock(g_write_mutex);
  write_all(fd, data);
}

}  // namespace centinela::observe
