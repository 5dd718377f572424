#include "observe/slow_requests.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace centinela::observe {
namespace {

SlowRequest with_origin(std::span<const OriginTiming> origin) {
  return make_slow_request(1, "id", "route", "GET", "/", 200, 900, 1, 800, 850, origin);
}

TEST(SlowRequest, KeepsTheFourLongestOriginTimingsLongestFirst) {
  const std::array<OriginTiming, 6> timings = {{{"a", 5},
                                                {"b", 300},
                                                {"c", 1},
                                                {"d", 450.5},
                                                {"e", 40},
                                                {"a-name-longer-than-its-record", 60}}};
  const SlowRequest r = with_origin(timings);
  EXPECT_EQ(std::string(r.origin[0].name.data()), "d");
  EXPECT_FLOAT_EQ(r.origin[0].dur_ms, 450.5f);
  EXPECT_EQ(std::string(r.origin[1].name.data()), "b");
  EXPECT_EQ(std::string(r.origin[2].name.data()), "a-name-longer-than-its-");
  EXPECT_EQ(std::string(r.origin[3].name.data()), "e");
}

TEST(SlowRequest, FewerTimingsLeaveTheRestEmpty) {
  const std::array<OriginTiming, 2> timings = {{{"db", 10}, {"app", 20}}};
  const SlowRequest r = with_origin(timings);
  EXPECT_EQ(std::string(r.origin[0].name.data()), "app");
  EXPECT_EQ(std::string(r.origin[1].name.data()), "db");
  EXPECT_EQ(r.origin[2].name[0], '\0');
  EXPECT_EQ(with_origin({}).origin[0].name[0], '\0');
}

}  // namespace
}  // namespace centinela::observe
