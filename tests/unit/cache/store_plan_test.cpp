// Fetch → store as values: what may be stored, and the entry built from an
// upstream response and the client's request.
#include "cache/store_plan.h"

#include <gtest/gtest.h>

#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

constexpr std::int64_t kNow = 1'780'272'000;  // Mon, 01 Jun 2026 00:00:00 GMT

class StorePlanTest : public ::testing::Test {
 protected:
  stage::ResponseFields fields(std::vector<std::pair<std::string, std::string>> list) {
    stage::ResponseFields out(arena_);
    for (const auto& [name, value] : list) out.add(name, value);
    return out;
  }
  StorePlan plan(const stage::ResponseFields& f, unsigned status = 200,
                 std::string_view method = "GET", bool credentials = false) {
    return plan_store(f, status, method, credentials, policy_, kNow);
  }

  stage::Arena arena_;
  config::CacheConfig policy_;
  RequestHead request_;
  EntryIdentity identity_{.key = "k", .host = "example.test", .path_and_query = "/doc"};
};

TEST_F(StorePlanTest, StorableResponsesAndTheReasonsOthersAreNot) {
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}})).verdict(), StoreVerdict::ok);
  EXPECT_EQ(plan(fields({{"Cache-Control", "no-store"}})).verdict(), StoreVerdict::no_store);
  EXPECT_EQ(plan(fields({{"Cache-Control", "private, max-age=60"}})).verdict(),
            StoreVerdict::private_);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=1"}})).verdict(),
            StoreVerdict::set_cookie);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}, {"Vary", "*"}})).verdict(),
            StoreVerdict::vary_star);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 500).verdict(), StoreVerdict::status);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 200, "POST").verdict(),
            StoreVerdict::method);
  EXPECT_EQ(plan(fields({})).verdict(), StoreVerdict::no_freshness);
}

TEST_F(StorePlanTest, AVaryOnAFieldWrittenPerRequestFitsNoOtherRequest) {
  for (const char* vary : {"X-Request-ID", "accept, X-Forwarded-For", "traceparent"}) {
    EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}, {"Vary", vary}})).verdict(),
              StoreVerdict::vary_star)
        << vary;
  }
  const StorePlan two_lines =
      plan(fields({{"Cache-Control", "max-age=60"}, {"Vary", "Accept"}, {"Vary", "X-Tenant"}}));
  EXPECT_EQ(two_lines.verdict(), StoreVerdict::ok);
  EXPECT_EQ(two_lines.vary_names, (std::vector<std::string>{"accept", "x-tenant"}));
}

TEST_F(StorePlanTest, CredentialsAreSharedOnlyWhenTheResponseSaysSo) {
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 200, "GET", true).verdict(),
            StoreVerdict::authorization);
  for (const char* allows : {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"}) {
    EXPECT_EQ(plan(fields({{"Cache-Control", allows}}), 200, "GET", true).verdict(),
              StoreVerdict::ok)
        << allows;
  }
}

TEST_F(StorePlanTest, TheSteeringFieldDecidesOverCacheControl) {
  const StorePlan steered =
      plan(fields({{"Cache-Control", "no-store"}, {"Centinela-Cache-Control", "max-age=300"}}));
  EXPECT_EQ(steered.verdict(), StoreVerdict::ok);
  EXPECT_EQ(steered.plan.freshness_lifetime, 300);
}

TEST_F(StorePlanTest, TheEntryKeepsWhatAHitReplaysAndTheFreshnessFactsOfNow) {
  request_.insert("Accept-Encoding", "gzip, br");
  request_.insert("X-Tenant", "blue ,  green");
  const auto f = fields({{"Cache-Control", "max-age=60"},
                         {"Content-Type", "text/plain"},
                         {"ETag", "\"v1\""},
                         {"Last-Modified", "Sun, 31 May 2026 00:00:00 GMT"},
                         {"Date", "Sun, 31 May 2026 23:59:50 GMT"},
                         {"Age", "4"},
                         {"Vary", "Accept-Encoding, X-Tenant"},
                         {"Content-Length", "9"},
                         {"X-Request-ID", "not-stored"},
                         {"X-Cache", "HIT"},
                         {"Centinela-Cache-Control", "max-age=60"},
                         {"Cache-Tags", "news, sport"},
                         {"Surrogate-Key", "front page"},
                         {"X-Custom", "kept"}});
  const StorePlan p = plan_store(f, 200, "GET", false, policy_, kNow);
  ASSERT_EQ(p.verdict(), StoreVerdict::ok);
  const EntrySource source{identity_, request_, false, kNow - 1, kNow};
  auto entry = build_entry(source, f, 200, p);
  EXPECT_EQ(entry->key, "k");
  EXPECT_EQ(entry->host, "example.test");
  EXPECT_EQ(entry->path_and_query, "/doc");
  EXPECT_EQ(entry->status_code, 200);
  EXPECT_EQ(entry->etag, "\"v1\"");
  EXPECT_EQ(entry->content_type, "text/plain");
  EXPECT_EQ(entry->vary_names, (std::vector<std::string>{"accept-encoding", "x-tenant"}));
  // The client's values, normalised: the coding the gateway would choose.
  EXPECT_EQ(entry->vary_values, (std::vector<std::string>{"br", "blue,green"}));
  EXPECT_EQ(entry->tags, (std::vector<std::string>{"news", "sport", "front", "page"}));
  EXPECT_NE(entry->header_lines.find("Cache-Control: max-age=60\r\n"), std::string::npos);
  EXPECT_NE(entry->header_lines.find("X-Custom: kept\r\n"), std::string::npos);
  for (const char* gone : {"Content-Length", "X-Request-ID", "X-Cache", "Centinela-Cache-Control",
                           "Set-Cookie", "ETag", "Content-Type", "Vary", "Date", "Age"}) {
    EXPECT_EQ(entry->header_lines.find(std::string(gone) + ":"), std::string::npos) << gone;
  }
  EXPECT_EQ(entry->request_time, kNow - 1);
  EXPECT_EQ(entry->response_time, kNow);
  EXPECT_EQ(entry->date_value, kNow - 10);
  EXPECT_EQ(entry->age_value, 4);
  EXPECT_EQ(entry->freshness_lifetime, 60);
}

TEST_F(StorePlanTest, AnImplausibleDateIsTakenAsAbsent) {
  const auto f =
      fields({{"Cache-Control", "max-age=60"}, {"Date", "Thu, 01 Jan 1880 00:00:00 GMT"}});
  auto entry = build_entry({identity_, request_, false, kNow, kNow}, f, 200,
                           plan_store(f, 200, "GET", false, policy_, kNow));
  EXPECT_EQ(entry->date_value, kNow);
}

TEST_F(StorePlanTest, SetCookieIsKeptWhenTheRouteStoresIt) {
  policy_.store_set_cookie = true;
  const auto f = fields({{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=1"}});
  const StorePlan p = plan(f);
  ASSERT_EQ(p.verdict(), StoreVerdict::ok);
  auto entry = build_entry({identity_, request_, true, kNow, kNow}, f, 200, p);
  EXPECT_NE(entry->header_lines.find("Set-Cookie: a=1\r\n"), std::string::npos);
}

TEST_F(StorePlanTest, TheBodyStopsAtMaxObjectSize) {
  CacheEntry entry;
  EXPECT_TRUE(append_body(entry, "12345", 8));
  EXPECT_FALSE(append_body(entry, "6789", 8));
  EXPECT_EQ(entry.content, "12345");
  EXPECT_TRUE(append_body(entry, "678", 8));
  entry.content.reserve(4096);
  finish_entry(entry);
  EXPECT_EQ(entry.content, "12345678");
  EXPECT_LT(entry.content.capacity(), 4096u);
}

}  // namespace
}  // namespace centinela::cache
