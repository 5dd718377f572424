// UTC calendar formatting without gmtime_r: glibc's gmtime_r takes the global
// tzset lock, which every worker would contend on for each log line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace centinela::observe {

struct UtcDateTime {
  int year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0;
};

UtcDateTime to_utc(std::chrono::system_clock::time_point t) noexcept;

// Days since 1970-01-01 (UTC) of `t`; changes exactly at UTC midnight.
std::int64_t utc_day_number(std::chrono::system_clock::time_point t) noexcept;

// Appends e.g. 2026-11-23T13:16:45.123Z (RFC 3339, UTC, milliseconds).
void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point t);

// Appends e.g. 20261123-131645, the suffix of rotated log files.
void append_compact_timestamp(std::string& out, std::chrono::system_clock::time_point t);

}  // namespace centinela::observe
