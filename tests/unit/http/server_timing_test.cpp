#include "http/server_timing.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace centinela::http {
namespace {

std::vector<ServerTimingMetric> parse(std::string_view value, std::size_t room = 16) {
  std::vector<ServerTimingMetric> out(room);
  out.resize(parse_server_timing(value, out));
  return out;
}

TEST(ServerTiming, ReadsTheSpecExamples) {
  const auto metrics = parse(R"(db;dur=12.3;desc="3 queries", app;dur=47.2, cache;desc=hit, miss)");
  ASSERT_EQ(metrics.size(), 4u);
  EXPECT_EQ(metrics[0].name, "db");
  EXPECT_DOUBLE_EQ(*metrics[0].dur_ms, 12.3);
  EXPECT_EQ(metrics[0].description, "3 queries");
  EXPECT_EQ(metrics[1].name, "app");
  EXPECT_DOUBLE_EQ(*metrics[1].dur_ms, 47.2);
  EXPECT_TRUE(metrics[1].description.empty());
  EXPECT_EQ(metrics[2].name, "cache");
  EXPECT_FALSE(metrics[2].dur_ms);
  EXPECT_EQ(metrics[2].description, "hit");
  EXPECT_EQ(metrics[3].name, "miss");
}

TEST(ServerTiming, WhitespaceCaseAndRepeatsAsTheSpecSays) {
  const auto metrics = parse("  total ;  DUR = 5 ; dur=9;Desc=\"a\";desc=b ,,, x;dur=\"7\"");
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_DOUBLE_EQ(*metrics[0].dur_ms, 5);  // the first dur counts
  EXPECT_EQ(metrics[0].description, "a");
  EXPECT_DOUBLE_EQ(*metrics[1].dur_ms, 7);  // a quoted number is a number
}

TEST(ServerTiming, DurationsThatAreNotPlainDecimalsAreIgnored) {
  for (const char* dur : {"-1", "1e3", "inf", "nan", "0x10", "1.", ".5", "1..2", "", "9e999",
                          "99999999999999999999"}) {
    const std::string value = std::string("m;dur=") + dur + ";desc=kept";
    const auto metrics = parse(value);
    SCOPED_TRACE(dur);
    if (std::string_view(dur).empty()) {
      EXPECT_TRUE(metrics.empty()) << "`dur=` with no value is not a parameter";
      continue;
    }
    ASSERT_EQ(metrics.size(), 1u);
    EXPECT_FALSE(metrics[0].dur_ms);
    EXPECT_EQ(metrics[0].description, "kept");
  }
}

TEST(ServerTiming, BrokenMetricsAreSkippedUpToTheNextComma) {
  const auto metrics =
      parse(R"(bad name;dur=1, "quoted";dur=2, x;desc="a, b" junk, y;dur=3, z;desc="open)");
  ASSERT_EQ(metrics.size(), 1u) << "only y is well formed";
  EXPECT_EQ(metrics[0].name, "y");
  EXPECT_DOUBLE_EQ(*metrics[0].dur_ms, 3);
  // A comma inside a quoted string does not end the metric being skipped.
  const auto after_quote = parse(R"(a;desc="x, y" oops, b;dur=1)");
  ASSERT_EQ(after_quote.size(), 1u);
  EXPECT_EQ(after_quote[0].name, "b");
}

TEST(ServerTiming, EscapesStayInTheDescription) {
  const auto metrics = parse(R"(m;desc="say \"hi\", ok";dur=1)");
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].description, R"(say \"hi\", ok)");
  EXPECT_DOUBLE_EQ(*metrics[0].dur_ms, 1);
}

TEST(ServerTiming, BoundsHoldOnHostileValues) {
  EXPECT_TRUE(parse(std::string(kMaxServerTimingName + 1, 'a') + ";dur=1").empty());
  EXPECT_EQ(parse(std::string(kMaxServerTimingName, 'a') + ";dur=1").size(), 1u);
  const std::string long_value = "m;desc=\"" + std::string(10000, 'd') + "\"";
  const auto long_desc = parse(long_value);
  ASSERT_EQ(long_desc.size(), 1u);
  EXPECT_EQ(long_desc[0].description.size(), kMaxServerTimingDescription);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "m" + std::to_string(i) + ";dur=1,";
  EXPECT_EQ(parse(many, 16).size(), 16u) << "no more than the room given";
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse(",;=\"\\").empty());
  EXPECT_TRUE(parse(std::string(100000, ';')).empty());
  EXPECT_TRUE(parse("m;desc=\"\\").empty()) << "a trailing backslash in an open quote";
}

}  // namespace
}  // namespace centinela::http
