#include "cache/cache_entry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace centinela::cache {
namespace {

std::unique_ptr<EncodedBody> variant(compress::Coding coding, std::size_t size) {
  auto body = std::make_unique<EncodedBody>();
  body->coding = coding;
  body->body.assign(size, 'z');
  body->etag = "W/\"abc\"";
  return body;
}

TEST(CacheEntryVariants, FirstPublisherWins) {
  CacheEntry entry;
  EXPECT_EQ(entry.encoded(compress::Coding::gzip), nullptr);
  EXPECT_EQ(entry.encoded_bytes(), 0u);

  const EncodedBody* first = entry.publish_encoded(variant(compress::Coding::gzip, 1000));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->body.size(), 1000u);
  EXPECT_EQ(entry.encoded(compress::Coding::gzip), first);

  const EncodedBody* second = entry.publish_encoded(variant(compress::Coding::gzip, 5));
  EXPECT_EQ(second, first);  // the loser gets the winner, its copy is dropped
  EXPECT_EQ(entry.encoded(compress::Coding::gzip)->body.size(), 1000u);

  EXPECT_EQ(entry.encoded(compress::Coding::br), nullptr);
  const EncodedBody* br = entry.publish_encoded(variant(compress::Coding::br, 10));
  EXPECT_NE(br, first);
  EXPECT_EQ(entry.encoded(compress::Coding::br), br);
}

TEST(CacheEntryVariants, NullOrOutOfRangeIsRefused) {
  CacheEntry entry;
  EXPECT_EQ(entry.publish_encoded(nullptr), nullptr);
  auto bad = variant(compress::Coding::gzip, 1);
  bad->coding = static_cast<compress::Coding>(200);
  EXPECT_EQ(entry.publish_encoded(std::move(bad)), nullptr);
  EXPECT_EQ(entry.encoded(static_cast<compress::Coding>(200)), nullptr);
  EXPECT_EQ(entry.encoded_bytes(), 0u);
}

TEST(CacheEntryVariants, EncodedBytesCountEveryVariant) {
  CacheEntry entry;
  entry.publish_encoded(variant(compress::Coding::gzip, 4000));
  const std::size_t one = entry.encoded_bytes();
  EXPECT_GE(one, 4000u + sizeof(EncodedBody));
  entry.publish_encoded(variant(compress::Coding::zstd, 3000));
  EXPECT_GE(entry.encoded_bytes(), one + 3000u);
  entry.publish_encoded(variant(compress::Coding::zstd, 9000));  // lost: not counted
  EXPECT_LT(entry.encoded_bytes(), one + 9000u);
}

TEST(CacheEntryVariants, ConcurrentPublishersAgreeOnOneWinner) {
  CacheEntry entry;
  constexpr int kThreads = 8;
  std::vector<const EncodedBody*> seen(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto mine = variant(compress::Coding::br, 100 + t);
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      seen[t] = entry.publish_encoded(std::move(mine));
    });
  }
  for (auto& thread : threads) thread.join();
  const std::set<const EncodedBody*> winners(seen.begin(), seen.end());
  ASSERT_EQ(winners.size(), 1u);
  EXPECT_EQ(*winners.begin(), entry.encoded(compress::Coding::br));
}

TEST(CacheEntryCharge, CountsBodiesStringsVectorsAndOverhead) {
  CacheEntry empty;
  const std::size_t base = empty.charge();
  // The object plus a fixed overhead for the control block and the store's
  // bookkeeping.
  EXPECT_GE(base, sizeof(CacheEntry) + 150);
  EXPECT_LE(base, sizeof(CacheEntry) + 400);

  CacheEntry entry;
  entry.body.assign(16 * 1024, 'b');
  const std::size_t with_body = entry.charge();
  EXPECT_GE(with_body, base + 16 * 1024);
  EXPECT_LE(with_body, base + 16 * 1024 + 64);

  entry.header_lines.assign(300, 'h');
  entry.key.assign(200, 'k');
  EXPECT_GE(entry.charge(), with_body + 500);

  const std::size_t before_vectors = entry.charge();
  entry.tags = {std::string(100, 't'), "short"};
  entry.vary_names = {"accept-encoding"};
  entry.vary_values = {std::string(50, 'v')};
  EXPECT_GE(entry.charge(), before_vectors + 100 + 50 + 4 * sizeof(std::string));

  const std::size_t before_variants = entry.charge();
  entry.publish_encoded(variant(compress::Coding::gzip, 2000));
  EXPECT_EQ(entry.charge(), before_variants + entry.encoded_bytes());
}

TEST(CacheEntryCharge, ShortStringsCostNothingExtra) {
  CacheEntry a;
  CacheEntry b;
  b.etag = "\"v1\"";
  b.content_type = "text/html";
  EXPECT_EQ(a.charge(), b.charge());
}

TEST(CacheEntryTransformable, OnlyIdentityBodiesWithoutNoTransform) {
  CacheEntry plain;
  plain.header_lines = "Cache-Control: max-age=60, public\r\nX-Other: no-transform\r\n";
  EXPECT_TRUE(plain.transformable());

  CacheEntry forbidden;
  forbidden.header_lines = "X-A: b\r\ncache-control: max-age=60, No-Transform\r\n";
  EXPECT_FALSE(forbidden.transformable());

  CacheEntry quoted;  // the word inside a quoted argument is not the directive
  quoted.header_lines = "Cache-Control: private=\"no-transform\", max-age=5\r\n";
  EXPECT_TRUE(quoted.transformable());

  CacheEntry encoded;
  encoded.content_encoding = "gzip";
  EXPECT_FALSE(encoded.transformable());
  CacheEntry identity;
  identity.content_encoding = "identity";
  EXPECT_TRUE(identity.transformable());
  EXPECT_TRUE(identity.transformable());  // remembered, same answer
}

}  // namespace
}  // namespace centinela::cache
