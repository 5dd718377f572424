#include "stage/response_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::stage {
namespace {

TEST(Arena, CopiesStayValidUntilResetAndDestructorsRun) {
  Arena arena;
  std::string source = "temporary";
  const std::string_view copy = arena.copy(source);
  source.assign("changed!!");
  EXPECT_EQ(copy, "temporary");

  int destroyed = 0;
  struct Counted {
    int* counter;
    ~Counted() { ++*counter; }
  };
  arena.make<Counted>(Counted{&destroyed});
  destroyed = 0;  // the temporary passed in was destroyed already
  arena.make<Counted>(Counted{&destroyed});
  destroyed = 0;
  arena.reset();
  EXPECT_EQ(destroyed, 2);
  EXPECT_EQ(arena.used(), 0u);
}

TEST(Arena, GrowsPastItsInlineBlockForLargeRequests) {
  Arena arena;
  std::vector<std::string_view> copies;
  const std::string chunk(1000, 'x');
  for (int i = 0; i < 10; ++i) copies.push_back(arena.copy(chunk));
  for (auto copy : copies) EXPECT_EQ(copy, chunk);
  void* aligned = arena.allocate(64, 64);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 64, 0u);
}

TEST(ResponseFields, FindIsCaseInsensitiveAndEditsCopy) {
  Arena arena;
  ResponseFields fields(arena);
  fields.add_view("Content-Type", "text/plain");
  {
    std::string value = "v1";
    fields.add("x-custom", value);
    value = "XX";
  }
  EXPECT_EQ(fields.find("content-type"), "text/plain");
  EXPECT_EQ(fields.find("X-CUSTOM"), "v1");
  EXPECT_FALSE(fields.contains("ETag"));
  fields.set("X-Custom", "v2");
  EXPECT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields.find("x-custom"), "v2");
  fields.erase("CONTENT-TYPE");
  EXPECT_EQ(fields.size(), 1u);
}

TEST(ResponseFields, JoinedCombinesEveryLine) {
  Arena arena;
  ResponseFields fields(arena);
  fields.add_view("Cache-Control", "max-age=60");
  EXPECT_EQ(fields.joined("cache-control"), "max-age=60");
  fields.add_view("Cache-Control", "public");
  EXPECT_EQ(fields.joined("cache-control"), "max-age=60, public");
  EXPECT_EQ(fields.joined("vary"), "");
}

TEST(ResponseFields, LinesParseIntoViews) {
  Arena arena;
  ResponseFields fields(arena);
  fields.add_lines("A: 1\r\nB:2\r\nbroken line\r\nC:  three\r\n");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields.find("A"), "1");
  EXPECT_EQ(fields.find("b"), "2");
  EXPECT_EQ(fields.find("c"), "three");
}

TEST(ResponseFields, AddVaryKeepsWhatIsListedOnAnyLine) {
  Arena arena;
  ResponseFields fields(arena);
  add_vary(fields, "Origin");
  EXPECT_EQ(fields.find("Vary"), "Origin");
  add_vary(fields, "origin");
  EXPECT_EQ(fields.find("Vary"), "Origin");
  fields.add_view("Vary", "Cookie");
  add_vary(fields, "Accept-Encoding");
  EXPECT_EQ(fields.joined("Vary"), "Origin, Cookie, Accept-Encoding");
  ResponseFields star(arena);
  star.add_view("Vary", "*");
  add_vary(star, "Origin");
  EXPECT_EQ(star.joined("Vary"), "*");
}

TEST(ResponseFields, ListContainsIgnoresSpacesAndCase) {
  EXPECT_TRUE(list_contains(" gzip , br", "BR"));
  EXPECT_FALSE(list_contains("gzip-x", "gzip"));
  EXPECT_TRUE(list_contains("*", "anything"));
}

}  // namespace
}  // namespace centinela::stage
