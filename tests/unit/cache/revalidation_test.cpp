// The 304 that answers a revalidation, merged into the stored response and
// judged anew (RFC 9111 §4.3.4), and the request a background refresh sends.
#include "cache/revalidation.h"

#include <gtest/gtest.h>

#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

constexpr std::int64_t kNow = 1'780'272'000;

class RevalidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    request_.method(boost::beast::http::verb::get);
    auto entry = std::make_shared<CacheEntry>();
    entry->key = "k";
    entry->status_code = 200;
    entry->header_lines = "Cache-Control: no-cache\r\nX-Version: 1\r\nCache-Tags: a\r\n";
    entry->etag = "\"v\"";
    entry->content_type = "text/plain";
    entry->content = "body-1";
    entry->vary_names = {"x-tenant"};
    entry->vary_values = {"blue"};
    entry->tags = {"a"};
    entry->no_cache = true;
    entry->request_time = entry->response_time = entry->date_value = kNow - 100;
    stale_ = entry;
  }
  Refreshed merge(std::vector<std::pair<std::string, std::string>> list, bool credentials = false) {
    stage::ResponseFields not_modified(arena_);
    for (const auto& [name, value] : list) not_modified.add(name, value);
    identity_.shared_credentials = credentials;
    return merge_not_modified(*stale_, not_modified, {identity_, request_, false, kNow - 1, kNow},
                              policy_, arena_);
  }

  stage::Arena arena_;
  config::CacheConfig policy_;
  RequestHead request_;
  EntryIdentity identity_{.key = "k"};
  std::shared_ptr<CacheEntry> stale_;
};

TEST_F(RevalidationTest, The304sFieldsReplaceTheStoredOnesTheBodyStays) {
  const Refreshed r = merge({{"Cache-Control", "max-age=60"},
                             {"X-Version", "2"},
                             {"ETag", "\"v\""},
                             {"Content-Length", "0"},
                             {"Content-Encoding", "gzip"}});
  ASSERT_NE(r.entry, nullptr);
  EXPECT_TRUE(r.store);
  EXPECT_FALSE(r.drop_stale);
  EXPECT_EQ(r.entry->content, "body-1");
  EXPECT_EQ(r.entry->content_encoding, "") << "a 304 describes the stored body's coding";
  EXPECT_EQ(r.entry->freshness_lifetime, 60);
  EXPECT_FALSE(r.entry->no_cache);
  EXPECT_NE(r.entry->header_lines.find("X-Version: 2\r\n"), std::string::npos);
  EXPECT_EQ(r.entry->header_lines.find("X-Version: 1"), std::string::npos);
  EXPECT_EQ(r.entry->vary_values, stale_->vary_values);
  EXPECT_EQ(r.entry->tags, stale_->tags);
  EXPECT_EQ(r.entry->response_time, kNow);
}

TEST_F(RevalidationTest, A304ThatForbidsStorageDropsTheEntryButAnswersOnce) {
  for (const auto& forbidding : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"Cache-Control", "no-store"}},
           {{"Cache-Control", "private"}},
           {{"Cache-Control", "no-cache"}, {"Vary", "*"}},
           {{"Cache-Control", "no-cache"}, {"Vary", "Accept"}}}) {
    const Refreshed r = merge(forbidding);
    SCOPED_TRACE(forbidding.front().second);
    EXPECT_FALSE(r.store);
    EXPECT_TRUE(r.drop_stale);
    ASSERT_NE(r.entry, nullptr);
    EXPECT_EQ(r.entry->content, "body-1");
    EXPECT_EQ(r.entry->freshness_lifetime, 0);
    EXPECT_TRUE(r.entry->no_cache);
  }
}

TEST_F(RevalidationTest, AnAnswerToACredentialIsNotStoredButKeepsTheEntry) {
  const Refreshed r = merge({{"Cache-Control", "max-age=60"}}, /*credentials=*/true);
  EXPECT_FALSE(r.store);
  EXPECT_FALSE(r.drop_stale);
}

TEST_F(RevalidationTest, SetCookieIsThisClientsAloneUnlessTheRouteStoresIt) {
  const Refreshed r = merge({{"Set-Cookie", "sid=2; Path=/"}});
  ASSERT_EQ(r.set_cookies.size(), 1u);
  EXPECT_EQ(r.set_cookies[0], "sid=2; Path=/");
  EXPECT_EQ(r.entry->header_lines.find("Set-Cookie"), std::string::npos);
  EXPECT_TRUE(r.store);

  policy_.store_set_cookie = true;
  const Refreshed kept = merge({{"Set-Cookie", "sid=3"}});
  EXPECT_TRUE(kept.set_cookies.empty());
}

TEST_F(RevalidationTest, ABackgroundRefreshAsksWithTheEntrysValidatorsOnly) {
  RequestHead client;
  client.method(boost::beast::http::verb::head);
  client.target("/doc?a=1");
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"Accept-Encoding", "gzip"},
           {"Authorization", "Bearer t"},
           {"If-None-Match", "\"client\""},
           {"If-Modified-Since", "Sun, 31 May 2026 00:00:00 GMT"},
           {"Range", "bytes=0-1"},
           {"Cache-Control", "max-stale"},
           {"Pragma", "no-cache"},
           {"Expect", "100-continue"},
           {"X-Original-URL", "/admin"},
           {"X-Tenant", "blue"}}) {
    client.insert(name, value);
  }
  stale_->last_modified = "Sat, 30 May 2026 00:00:00 GMT";
  const RequestHead refresh = refresh_request(client, *stale_, policy_);
  EXPECT_EQ(refresh.method(), boost::beast::http::verb::get);
  EXPECT_EQ(refresh.target(), "/doc?a=1");
  EXPECT_EQ(refresh["Accept-Encoding"], "gzip");
  EXPECT_EQ(refresh["Authorization"], "Bearer t");
  EXPECT_EQ(refresh["X-Tenant"], "blue");
  EXPECT_EQ(refresh["If-None-Match"], "\"v\"");
  EXPECT_EQ(refresh["If-Modified-Since"], "Sat, 30 May 2026 00:00:00 GMT");
  for (const char* gone : {"Range", "Cache-Control", "Pragma", "Expect", "X-Original-URL"}) {
    EXPECT_EQ(refresh.count(gone), 0u) << gone;
  }
}

}  // namespace
}  // namespace centinela::cache
