#include "config/units.h"

#include <gtest/gtest.h>

namespace centinela::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250ms").value, milliseconds(250));
  EXPECT_EQ(parse_duration("10s").value, milliseconds(10'000));
  EXPECT_EQ(parse_duration("5m").value, milliseconds(300'000));
  EXPECT_EQ(parse_duration("1h").value, milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("1d").value, milliseconds(86'400'000));
  EXPECT_EQ(parse_duration("0s").value, milliseconds(0));
}

TEST(ParseDuration, RejectsMissingUnitNegativeAndJunk) {
  EXPECT_EQ(parse_duration("10").error, "bad duration '10': missing unit (ms, s, m, h or d)");
  EXPECT_EQ(parse_duration("-5s").error, "bad duration '-5s': must not be negative");
  EXPECT_EQ(parse_duration("10x").error,
            "bad duration '10x': unknown unit 'x' (use ms, s, m, h or d)");
  EXPECT_FALSE(parse_duration("1.5s").value);
  EXPECT_FALSE(parse_duration("s").value);
  EXPECT_FALSE(parse_duration("").value);
  EXPECT_FALSE(parse_duration("10 s").value);
  EXPECT_FALSE(parse_duration("10S").value);
}

TEST(ParseDuration, RejectsOverflow) {
  auto parsed = parse_duration("99999999999999999d");
  EXPECT_FALSE(parsed.value);
  EXPECT_EQ(parsed.error, "bad duration '99999999999999999d': too large");
}

TEST(ParseSize, BinaryDecimalAndPlainBytes) {
  EXPECT_EQ(parse_size("512B").value, 512u);
  EXPECT_EQ(parse_size("64KiB").value, 64u * 1024);
  EXPECT_EQ(parse_size("256MiB").value, 256u * 1024 * 1024);
  EXPECT_EQ(parse_size("1GiB").value, 1024u * 1024 * 1024);
  EXPECT_EQ(parse_size("2KB").value, 2000u);
  EXPECT_EQ(parse_size("3MB").value, 3'000'000u);
  EXPECT_EQ(parse_size("1GB").value, 1'000'000'000u);
  EXPECT_EQ(parse_size("4096").value, 4096u);
}

TEST(ParseSize, RejectsUnknownUnitsListingTheValidOnes) {
  EXPECT_EQ(parse_size("10M").error,
            "bad size '10M': unknown unit 'M' (use B, KiB, MiB, GiB, KB, MB or GB)");
  EXPECT_EQ(parse_size("-1KiB").error, "bad size '-1KiB': must not be negative");
  EXPECT_FALSE(parse_size("KiB").value);
  EXPECT_FALSE(parse_size("1.5MiB").value);
  EXPECT_FALSE(parse_size("99999999999GiB").value);
}

TEST(ParseUnsigned, DigitsOnly) {
  EXPECT_EQ(parse_unsigned("0"), 0u);
  EXPECT_EQ(parse_unsigned("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_unsigned("18446744073709551616"));
  EXPECT_FALSE(parse_unsigned("+1"));
  EXPECT_FALSE(parse_unsigned(""));
}

}  // namespace
}  // namespace centinela::config
