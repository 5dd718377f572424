#include "cache/cache_entry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

int id(compress::Coding coding) { return static_cast<int>(coding); }

std::unique_ptr<stage::Variant> variant(compress::Coding coding, std::size_t size) {
  auto made = std::make_unique<stage::Variant>();
  made->id = id(coding);
  made->body.assign(size, 'z');
  made->etag = "W/\"abc\"";
  return made;
}

TEST(CacheEntryVariants, FirstPublisherWins) {
  CacheEntry entry;
  EXPECT_EQ(entry.variant(id(compress::Coding::gzip)), nullptr);
  EXPECT_EQ(entry.encoded_bytes(), 0u);

  const stage::Variant* first = entry.publish_variant(variant(compress::Coding::gzip, 1000));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->body.size(), 1000u);
  EXPECT_EQ(entry.variant(id(compress::Coding::gzip)), first);

  const stage::Variant* second = entry.publish_variant(variant(compress::Coding::gzip, 5));
  EXPECT_EQ(second, first);  // the loser gets the winner, its copy is dropped
  EXPECT_EQ(entry.variant(id(compress::Coding::gzip))->body.size(), 1000u);

  EXPECT_EQ(entry.variant(id(compress::Coding::br)), nullptr);
  const stage::Variant* br = entry.publish_variant(variant(compress::Coding::br, 10));
  EXPECT_NE(br, first);
  EXPECT_EQ(entry.variant(id(compress::Coding::br)), br);
}

TEST(CacheEntryVariants, NullOrOutOfRangeIsRefused) {
  CacheEntry entry;
  EXPECT_EQ(entry.publish_variant(nullptr), nullptr);
  auto bad = variant(compress::Coding::gzip, 1);
  bad->id = 200;
  EXPECT_EQ(entry.publish_variant(std::move(bad)), nullptr);
  EXPECT_EQ(entry.variant(200), nullptr);
  EXPECT_EQ(entry.encoded_bytes(), 0u);
}

TEST(CacheEntryVariants, EncodedBytesCountEveryVariant) {
  CacheEntry entry;
  entry.publish_variant(variant(compress::Coding::gzip, 4000));
  const std::size_t one = entry.encoded_bytes();
  EXPECT_GE(one, 4000u + sizeof(stage::Variant));
  entry.publish_variant(variant(compress::Coding::zstd, 3000));
  EXPECT_GE(entry.encoded_bytes(), one + 3000u);
  entry.publish_variant(variant(compress::Coding::zstd, 9000));  // lost: not counted
  EXPECT_LT(entry.encoded_bytes(), one + 9000u);
}

TEST(CacheEntryVariants, ConcurrentPublishersAgreeOnOneWinner) {
  CacheEntry entry;
  constexpr int kThreads = 8;
  std::vector<const stage::Variant*> seen(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto mine = variant(compress::Coding::br, 100 + t);
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      seen[t] = entry.publish_variant(std::move(mine));
    });
  }
  for (auto& thread : threads) thread.join();
  const std::set<const stage::Variant*> winners(seen.begin(), seen.end());
  ASSERT_EQ(winners.size(), 1u);
  EXPECT_EQ(*winners.begin(), entry.variant(id(compress::Coding::br)));
}

TEST(CacheEntryCharge, CountsBodiesStringsVectorsAndOverhead) {
  CacheEntry empty;
  const std::size_t base = empty.charge();
  // The object plus a fixed overhead for the control block and the store's
  // bookkeeping.
  EXPECT_GE(base, sizeof(CacheEntry) + 150);
  EXPECT_LE(base, sizeof(CacheEntry) + 400);

  CacheEntry entry;
  entry.content.assign(16 * 1024, 'b');
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
  entry.publish_variant(variant(compress::Coding::gzip, 2000));
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

TEST(CacheEntryVariants, TheMaskNamesEachPublishedVariant) {
  CacheEntry entry;
  EXPECT_EQ(entry.variant_mask(), 0u);
  entry.publish_variant(variant(compress::Coding::gzip, 10));
  const unsigned gzip_only = entry.variant_mask();
  EXPECT_NE(gzip_only, 0u);
  entry.publish_variant(variant(compress::Coding::gzip, 20));  // lost: no change
  EXPECT_EQ(entry.variant_mask(), gzip_only);
  entry.publish_variant(variant(compress::Coding::zstd, 10));
  EXPECT_NE(entry.variant_mask(), gzip_only);
}

TEST(CacheEntryAsStoredResponse, FieldsStatusAndBodyAsTheHitServesThem) {
  CacheEntry entry;
  entry.status_code = 203;
  entry.header_lines = "Cache-Control: max-age=60\r\nX-Custom: a\r\nX-Custom: b\r\n";
  entry.content_type = "text/plain";
  entry.last_modified = "Tue, 01 Dec 2026 10:00:00 GMT";
  entry.etag = "\"v1\"";
  entry.content_encoding = "gzip";
  entry.vary_names = {"accept-encoding", "x-tenant"};
  entry.content = "the body";
  const stage::StoredResponse& stored = entry;
  EXPECT_EQ(stored.status(), 203u);
  EXPECT_EQ(stored.body(), "the body");

  stage::Arena arena;
  stage::ResponseFields fields(arena);
  stored.add_fields(fields);
  EXPECT_EQ(fields.find("cache-control"), "max-age=60");
  EXPECT_EQ(fields.joined("X-Custom"), "a, b");
  EXPECT_EQ(fields.find("Content-Type"), "text/plain");
  EXPECT_EQ(fields.find("Last-Modified"), "Tue, 01 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(fields.find("ETag"), "\"v1\"");
  EXPECT_EQ(fields.find("Content-Encoding"), "gzip");
  EXPECT_EQ(fields.find("Vary"), "accept-encoding, x-tenant");
  std::size_t vary_lines = 0;
  fields.for_each("Vary", [&](std::string_view) { ++vary_lines; });
  EXPECT_EQ(vary_lines, 1u);
  // Views of the entry, not copies.
  EXPECT_EQ(fields.find("ETag").data(), entry.etag.data());
  EXPECT_EQ(stored.body().data(), entry.content.data());
}

TEST(CacheEntryAsStoredResponse, AnEntryWithoutOptionalFieldsAddsOnlyItsLines) {
  CacheEntry entry;
  entry.header_lines = "X-Only: 1\r\n";
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  entry.add_fields(fields);
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields.find("X-Only"), "1");
}

}  // namespace
}  // namespace centinela::cache
