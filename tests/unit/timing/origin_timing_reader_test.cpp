#include "timing/origin_timing_reader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace centinela::timing {
namespace {

std::map<std::string, double> read(
    const std::vector<std::pair<std::string, std::string>>& field_lines) {
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  for (const auto& [name, value] : field_lines) fields.add(name, value);
  std::map<std::string, double> out;
  for (const observe::OriginTiming& timing : read_origin_timing(fields, arena)) {
    EXPECT_FALSE(out.contains(std::string(timing.name))) << timing.name;
    out[std::string(timing.name)] = timing.dur_ms;
  }
  return out;
}

TEST(OriginTimingReader, EveryLineAndSpellingAndRepeatedNamesAddUp) {
  const auto timings = read({{"Server-Timing", R"(db;dur=12.3;desc="3 queries", app;dur=4)"},
                             {"Content-Type", "text/plain"},
                             {"server-timing", "db;dur=7.7"},
                             {"SERVER-TIMING", "cache;desc=hit, render;DUR=1.25"}});
  EXPECT_EQ(timings, (std::map<std::string, double>{{"db", 20.0}, {"app", 4}, {"render", 1.25}}));
}

TEST(OriginTimingReader, NothingWithoutTheField) {
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  fields.add("Content-Type", "text/plain");
  const std::size_t before = arena.used();
  EXPECT_TRUE(read_origin_timing(fields, arena).empty());
  EXPECT_EQ(arena.used(), before);
}

TEST(OriginTimingReader, HostileValuesYieldFewerMetricsNeverMore) {
  std::string thousands;
  for (int i = 0; i < 5000; ++i) thousands += "m" + std::to_string(i) + ";dur=1, ";
  const auto many = read({{"Server-Timing", thousands}});
  EXPECT_EQ(many.size(), kMaxOriginTimings);
  EXPECT_TRUE(many.contains("m0"));

  const auto broken = read({{"Server-Timing",
                             "a;dur=1e9, b;dur=-1, c;dur=NaN, d;dur=inf, "
                             "\"e\";dur=1, f;dur=\"2\", g;desc=\"never ends, "
                             "h;dur=3"}});
  // `f`'s quoted duration is read as the spec's value; the rest is not.
  EXPECT_EQ(broken, (std::map<std::string, double>{{"f", 2}}));

  const std::string long_name(200, 'x');
  EXPECT_TRUE(read({{"Server-Timing", long_name + ";dur=1"}}).empty());
}

TEST(OriginTimingReader, NamesOutliveTheFieldValues) {
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  std::string value = "db;dur=5";
  fields.add_view("Server-Timing", value);
  const auto timings = read_origin_timing(fields, arena);
  value.assign("xx;dur=9");  // the upstream's buffer reused
  ASSERT_EQ(timings.size(), 1u);
  EXPECT_EQ(timings[0].name, "db");
}

}  // namespace
}  // namespace centinela::timing
