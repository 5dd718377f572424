#include "observe/utc_time.h"

#include <gtest/gtest.h>
#include <time.h>

#include <random>

namespace centinela::observe {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::string rfc3339(std::int64_t ms_since_epoch) {
  std::string out;
  append_rfc3339_ms(out, system_clock::time_point(milliseconds(ms_since_epoch)));
  return out;
}

TEST(UtcTime, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(1795439805123), "2026-11-23T13:16:45.123Z");
  EXPECT_EQ(rfc3339(1709251199999), "2024-02-29T23:59:59.999Z");
}

TEST(UtcTime, CompactTimestampForRotatedFiles) {
  std::string out;
  append_compact_timestamp(out, system_clock::time_point(milliseconds(1795439805123)));
  EXPECT_EQ(out, "20261123-131645");
}

TEST(UtcTime, AgreesWithGmtimeOverManyInstants) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t seconds = static_cast<std::int64_t>(random() % 8'000'000'000ull);
    const time_t t = static_cast<time_t>(seconds);
    tm expected{};
    gmtime_r(&t, &expected);
    const UtcDateTime got = to_utc(system_clock::from_time_t(t));
    ASSERT_EQ(got.year, expected.tm_year + 1900) << seconds;
    ASSERT_EQ(got.month, static_cast<unsigned>(expected.tm_mon + 1)) << seconds;
    ASSERT_EQ(got.day, static_cast<unsigned>(expected.tm_mday)) << seconds;
    ASSERT_EQ(got.hour, static_cast<unsigned>(expected.tm_hour)) << seconds;
    ASSERT_EQ(got.minute, static_cast<unsigned>(expected.tm_min)) << seconds;
    ASSERT_EQ(got.second, static_cast<unsigned>(expected.tm_sec)) << seconds;
  }
}

TEST(UtcTime, DayNumberChangesAtUtcMidnight) {
  const auto midnight = system_clock::time_point(milliseconds(86'400'000ll * 20000));
  EXPECT_EQ(utc_day_number(midnight - milliseconds(1)), 19999);
  EXPECT_EQ(utc_day_number(midnight), 20000);
}

}  // namespace
}  // namespace centinela::observe
