#include "security/request_id.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace centinela::security {
namespace {

TEST(RequestIdTest, AcceptsSafeIds) {
  EXPECT_TRUE(is_valid_request_id("a"));
  EXPECT_TRUE(is_valid_request_id("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
  EXPECT_TRUE(is_valid_request_id("1-5759e988-bd862e3fe1be46a994272793_trace.id:Z-9"));
  EXPECT_TRUE(is_valid_request_id(std::string(128, 'x')));
}

TEST(RequestIdTest, RejectsEmptyAndOverlong) {
  EXPECT_FALSE(is_valid_request_id(""));
  EXPECT_FALSE(is_valid_request_id(std::string(129, 'x')));
}

TEST(RequestIdTest, RejectsHeaderAndLogInjection) {
  EXPECT_FALSE(is_valid_request_id("abc\r\nSet-Cookie: session=evil"));
  EXPECT_FALSE(is_valid_request_id("abc\n"));
  EXPECT_FALSE(is_valid_request_id("abc\r"));
  EXPECT_FALSE(is_valid_request_id(std::string_view("ab\0c", 4)));
  EXPECT_FALSE(is_valid_request_id("a b"));
  EXPECT_FALSE(is_valid_request_id("a\tb"));
  EXPECT_FALSE(is_valid_request_id("\"},\"admin\":true"));
  EXPECT_FALSE(is_valid_request_id("<script>"));
  EXPECT_FALSE(is_valid_request_id("a/b"));
  EXPECT_FALSE(is_valid_request_id("Root=1-5759e988"));
  EXPECT_FALSE(is_valid_request_id("caf\xc3\xa9"));
}

// 8-4-4-4-12 lower-case hex, version 4, RFC 9562 variant.
void expect_uuid_v4(std::string_view id) {
  ASSERT_EQ(id.size(), 36u) << id;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')) << id;
    }
  }
  EXPECT_EQ(id[14], '4') << id;
  EXPECT_NE(std::string_view("89ab").find(id[19]), std::string_view::npos) << id;
}

TEST(RequestIdTest, NewIdsAreValidUuidV4) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_request_id();
    expect_uuid_v4(id);
    EXPECT_TRUE(is_valid_request_id(id));
  }
}

TEST(RequestIdTest, BufferVariantWritesAUuid) {
  char buffer[kGeneratedRequestIdLength];
  new_request_id(buffer);
  expect_uuid_v4(std::string_view(buffer, sizeof buffer));
}

TEST(RequestIdTest, NewIdsDoNotRepeatAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kIdsPerThread = 5000;
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> ids;
      for (int i = 0; i < kIdsPerThread; ++i) ids.push_back(new_request_id());
      std::lock_guard lock(mutex);
      seen.insert(ids.begin(), ids.end());
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kIdsPerThread));
}

TEST(RequestIdTest, VariantDigitTakesEveryAllowedValue) {
  std::set<char> variants;
  for (int i = 0; i < 400; ++i) variants.insert(new_request_id()[19]);
  EXPECT_EQ(variants, (std::set<char>{'8', '9', 'a', 'b'}));
}

}  // namespace
}  // namespace centinela::security
