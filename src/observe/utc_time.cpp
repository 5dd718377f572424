#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

using namespace std::chrono;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void append_digits(std::string& out, unsigned value, int width) {
  char digits[10];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<std::size_t>(width));
}

}  // namespace

std::int64_t utc_day_number(system_clock::time_point t) noexcept {
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  return floor_div(ms, 86'400'000);
}

UtcDateTime to_utc(system_clock::time_point t) noexcept {
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::int64_t days = floor_div(ms, 86'400'000);
  const std::int64_t ms_of_day = ms - days * 86'400'000;

  // civil_from_days, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2));

  UtcDateTime result;
  result.year = year;
  result.month = month;
  result.day = day;
  result.hour = static_cast<unsigned>(ms_of_day / 3'600'000);
  result.minute = static_cast<unsigned>(ms_of_day / 60'000 % 60);
  result.second = static_cast<unsigned>(ms_of_day / 1000 % 60);
  result.millisecond = static_cast<unsigned>(ms_of_day % 1000);
  return result;
}

void append_rfc3339_ms(std::string& out, system_clock::time_point t) {
  const UtcDateTime u = to_utc(t);
  append_digits(out, static_cast<unsigned>(u.year), 4);
  out.push_back('-');
  append_digits(out, u.month, 2);
  out.push_back('-');
  append_digits(out, u.day, 2);
  out.push_back('T');
  append_digits(out, u.hour, 2);
  out.push_back(':');
  append_digits(out, u.minute, 2);
  out.push_back(':');
  append_digits(out, u.second, 2);
  out.push_back('.');
  append_digits(out, u.millisecond, 3);
  out.push_back('Z');
}

void append_compact_timestamp(std::string& out, system_clock::time_point t) {
  const UtcDateTime u = to_utc(t);
  append_digits(out, static_cast<unsigned>(u.year), 4);
  append_digits(out, u.month, 2);
  append_digits(out, u.day, 2);
  out.push_back('-');
  append_digits(out, u.hour, 2);
  append_digits(out, u.minute, 2);
  append_digits(out, u.second, 2);
}

}  // namespace centinela::observe
