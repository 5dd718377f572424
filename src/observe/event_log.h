// The process log: start-up, reloads, errors, slow-request warnings. One JSON
// object per line on stderr: {"ts":"...","level":"warn","msg":"...",...}.
// For rare events: log_event writes synchronously. Request logging goes
// through AccessLog instead.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace centinela::observe {

enum class Level { debug, info, warn, error };

void set_event_log_level(Level level);
Level event_log_level();
bool event_log_enabled(Level level);

// "debug", "info", "warn" (or "warning"), "error"; anything else is info.
Level parse_level(std::string_view text);
std::string_view to_string(Level level);

// One field of an event line: text becomes a JSON string, a number a JSON
// number (so log pipelines can compare and sum it without parsing text).
// Views: valid for the log_event call that takes the field.
class EventField {
 public:
  EventField(std::string_view name, std::string_view text) : name_(name), text_(text) {}
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>)
      EventField(std::string_view name, T number)
      : name_(name), kind_(Kind::integer) {
    if constexpr (std::signed_integral<T>) {
      integer_ = number;
    } else {
      unsigned_ = number;
      kind_ = Kind::unsigned_integer;
    }
  }
  EventField(std::string_view name, double number)
      : name_(name), kind_(Kind::real), real_(number) {}

  std::string_view name() const { return name_; }
  // Appends the value as JSON: a quoted string, or a number (null when not finite).
  void append_value(std::string& out) const;

 private:
  enum class Kind : std::uint8_t { text, integer, unsigned_integer, real };
  std::string_view name_;
  Kind kind_ = Kind::text;
  std::string_view text_;
  std::int64_t integer_ = 0;
  std::uint64_t unsigned_ = 0;
  double real_ = 0;
};

// Thread-safe; each line goes out in a single write(2), so lines from
// different threads never interleave.
void log_event(Level level, std::string_view message,
               std::initializer_list<EventField> fields = {});

// Redirects the log (default: 2, stderr), e.g. to a file in tests. Returns the
// previous descriptor; the caller keeps ownership of both.
int set_event_log_fd(int fd);

// Building blocks for producers that format event lines elsewhere (the access
// log's slow-request warnings, formatted on workers, written by its thread).
// Appends `{"ts":"...","level":"...","msg":"..."` without the closing brace.
void append_event_prefix(std::string& out, std::chrono::system_clock::time_point ts, Level level,
                         std::string_view message);
// Writes complete lines (each ending in '\n') in one write, under the same
// lock as log_event.
void write_event_lines(std::string_view lines);
// Writes `data` to `fd` under that same lock: for another stream that shares
// stderr (an access log on "stderr"), so its lines never split event lines.
void write_under_event_lock(int fd, std::string_view data);

}  // namespace centinela::observe
