#include "cache/memory_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "allocation_counting.h"
#include "cache/s3fifo_shard.h"

namespace centinela::cache {
namespace {

struct EntrySpec {
  std::string path = "/";
  std::string host = "api.example.com";
  std::size_t body_bytes = 100;
  std::vector<std::string> vary_names;
  std::vector<std::string> vary_values;
  std::vector<std::string> tags;
  std::string user;
};

// Primary keys here are simply host + path: the store treats keys as opaque.
std::shared_ptr<CacheEntry> make_entry(const EntrySpec& spec) {
  auto entry = std::make_shared<CacheEntry>();
  entry->key = spec.host + spec.path + (spec.user.empty() ? "" : "#" + spec.user);
  entry->host = spec.host;
  entry->path_and_query = spec.path;
  entry->user = spec.user;
  entry->tags = spec.tags;
  entry->vary_names = spec.vary_names;
  entry->vary_values = spec.vary_values;
  entry->content.assign(spec.body_bytes, 'b');
  return entry;
}

std::shared_ptr<CacheEntry> make_entry(std::string path, std::size_t body_bytes = 100) {
  EntrySpec spec;
  spec.path = std::move(path);
  spec.body_bytes = body_bytes;
  return make_entry(spec);
}

bool any_variant(const CacheEntry&) { return true; }

EntryPtr find(MemoryStore& store, std::string_view key) { return store.find(key, any_variant); }

// What one key with one small entry costs the store at least.
std::size_t cost_of(const CacheEntry& entry) {
  return entry.charge() + S3FifoShard::index_bytes(std::string(entry.key), 1);
}

TEST(MemoryStore, FindsWhatWasInserted) {
  MemoryStore store(1 << 20);
  auto entry = make_entry("/a");
  ASSERT_TRUE(store.insert(entry));
  EXPECT_EQ(find(store, "api.example.com/a"), entry);
  EXPECT_EQ(find(store, "api.example.com/b"), nullptr);
  EXPECT_EQ(store.find("api.example.com/a", [](const CacheEntry&) { return false; }), nullptr);

  const StoreStats stats = store.stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.capacity, 1u << 20);
  EXPECT_GE(stats.bytes, cost_of(*entry));
  EXPECT_EQ(stats.evictions, 0u);
}

TEST(MemoryStore, AHitDoesNotAllocate) {
  MemoryStore store(4 << 20);
  for (int i = 0; i < 1000; ++i) {
    EntrySpec spec;
    spec.path = "/a/rather/long/path/that/is/not/inline/" + std::to_string(i);
    spec.vary_names = {"accept-encoding"};
    spec.vary_values = {"br"};
    ASSERT_TRUE(store.insert(make_entry(spec)));
  }
  const std::string key = "api.example.com/a/rather/long/path/that/is/not/inline/500";
  const std::string encoding = "br";
  const std::function<bool(const CacheEntry&)> accept = [&encoding](const CacheEntry& entry) {
    return entry.vary_values[0] == encoding;
  };
  std::size_t hits = 0;
  std::size_t allocations = 0;
  {
    alloc_probe::CountAllocations scope;
    for (int i = 0; i < 1000; ++i) hits += store.find(key, accept) != nullptr;
    hits += store.find("api.example.com/missing", accept) != nullptr;
    allocations = scope.count();
  }
  EXPECT_EQ(hits, 1000u);
  EXPECT_EQ(allocations, 0u);
}

TEST(MemoryStore, RefusesAnEntryLargerThanAnEighthOfTheCapacity) {
  MemoryStore store(80 * 1024);
  EXPECT_FALSE(store.insert(make_entry("/big", 11 * 1024)));
  EXPECT_FALSE(store.insert(nullptr));
  EXPECT_EQ(find(store, "api.example.com/big"), nullptr);
  EXPECT_EQ(store.stats().bytes, 0u);
  EXPECT_TRUE(store.insert(make_entry("/fits", 9 * 1024)));
}

TEST(MemoryStore, VaryVariantsAreSelectedReplacedAndBounded) {
  MemoryStore store(4 << 20);
  auto variant = [](std::string language) {
    EntrySpec spec;
    spec.path = "/page";
    spec.vary_names = {"accept-language"};
    spec.vary_values = {std::move(language)};
    return make_entry(spec);
  };
  auto language_is = [](std::string language) {
    return [language](const CacheEntry& entry) { return entry.vary_values[0] == language; };
  };
  const std::string key = "api.example.com/page";
  auto english = variant("en");
  auto french = variant("fr");
  ASSERT_TRUE(store.insert(english));
  ASSERT_TRUE(store.insert(french));
  EXPECT_EQ(store.stats().entries, 2u);
  EXPECT_EQ(store.find(key, language_is("en")), english);
  EXPECT_EQ(store.find(key, language_is("fr")), french);
  EXPECT_EQ(store.find(key, language_is("de")), nullptr);
  // The newest variant is tried first.
  EXPECT_EQ(find(store, key), french);

  // Equal Vary values: the newer response replaces the stored one.
  auto english_again = variant("en");
  ASSERT_TRUE(store.insert(english_again));
  EXPECT_EQ(store.stats().entries, 2u);
  EXPECT_EQ(store.find(key, language_is("en")), english_again);

  // Beyond the limit the oldest variant goes (french, then english_again).
  for (std::size_t i = 0; i < kMaxVariantsPerKey; ++i) {
    ASSERT_TRUE(store.insert(variant("x-" + std::to_string(i))));
  }
  EXPECT_EQ(store.stats().entries, kMaxVariantsPerKey);
  EXPECT_EQ(store.find(key, language_is("fr")), nullptr);
  EXPECT_EQ(store.find(key, language_is("en")), nullptr);
  EXPECT_NE(store.find(key, language_is("x-0")), nullptr);
  EXPECT_EQ(store.stats().evictions, 0u) << "variants replaced are not evictions";

  EXPECT_EQ(store.erase(key), kMaxVariantsPerKey);
  EXPECT_EQ(store.stats().entries, 0u);
  EXPECT_EQ(store.stats().bytes, 0u);
}

TEST(MemoryStore, EraseVariantRemovesJustThatVariant) {
  MemoryStore store(4 << 20);
  auto variant = [](std::string language) {
    EntrySpec spec;
    spec.path = "/page";
    spec.vary_names = {"accept-language"};
    spec.vary_values = {std::move(language)};
    return make_entry(spec);
  };
  const std::string key = "api.example.com/page";
  ASSERT_TRUE(store.insert(variant("en")));
  ASSERT_TRUE(store.insert(variant("fr")));
  // Found by its Vary values, not by being the same object.
  EXPECT_TRUE(store.erase_variant(*variant("en")));
  EXPECT_FALSE(store.erase_variant(*variant("en")));
  EXPECT_FALSE(store.erase_variant(*variant("de")));
  EXPECT_EQ(store.stats().entries, 1u);
  EXPECT_EQ(find(store, key)->vary_values[0], "fr");
  EXPECT_TRUE(store.erase_variant(*variant("fr")));
  EXPECT_EQ(find(store, key), nullptr);
  EXPECT_EQ(store.stats().entries, 0u);
  EXPECT_EQ(store.stats().bytes, 0u) << "the key's bookkeeping went with its last variant";
}

TEST(MemoryStore, StaysWithinItsCapacityAfterEveryInsert) {
  const std::uint64_t capacity = 1 << 20;
  MemoryStore store(capacity, 4);
  std::mt19937 random(7);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(store.insert(make_entry("/item/" + std::to_string(i), 200 + random() % 4000)));
    ASSERT_LE(store.stats().bytes, capacity) << "after insert " << i;
  }
  const StoreStats stats = store.stats();
  EXPECT_GT(stats.evictions, 0u);
  EXPECT_EQ(stats.entries + stats.evictions, 20000u);
  // Eviction does not overshoot: the store is still mostly full.
  EXPECT_GT(stats.bytes, capacity * 3 / 4);
}

TEST(MemoryStore, AMillionDistinctUrlsStayWithinTheCapacity) {
  const std::uint64_t capacity = 64ull << 20;
  MemoryStore store(capacity);
  const std::size_t urls = 1'000'000;
  std::size_t smallest_cost = SIZE_MAX;
  for (std::size_t i = 0; i < urls; ++i) {
    auto entry = make_entry("/products/" + std::to_string(i) + "?page=1", 64);
    smallest_cost = std::min(smallest_cost, cost_of(*entry));
    ASSERT_TRUE(store.insert(std::move(entry)));
  }
  const StoreStats stats = store.stats();
  EXPECT_LE(stats.bytes, capacity);
  EXPECT_GT(stats.bytes, capacity * 9 / 10);
  EXPECT_EQ(stats.entries + stats.evictions, urls);
  EXPECT_GT(stats.evictions, 0u);
  // Every entry held is paid for: entries, keys and index together.
  EXPECT_LE(stats.entries * smallest_cost, stats.bytes);

  PurgeRequest all;
  EXPECT_EQ(store.purge(all), stats.entries);
  EXPECT_EQ(store.stats().entries, 0u);
  EXPECT_EQ(store.stats().bytes, 0u) << "keys, index and ghosts all given back";
}

TEST(MemoryStore, AccountingReturnsToZero) {
  MemoryStore store(1 << 20, 2);
  for (int i = 0; i < 100; ++i) {
    EntrySpec spec;
    spec.path = "/k" + std::to_string(i % 10);
    spec.vary_names = {"accept-encoding"};
    spec.vary_values = {i % 3 == 0 ? "gzip" : "br"};
    spec.body_bytes = 50 + i;
    ASSERT_TRUE(store.insert(make_entry(spec)));
  }
  EXPECT_EQ(store.stats().entries, 20u);
  std::size_t erased = 0;
  for (int i = 0; i < 10; ++i) erased += store.erase("api.example.com/k" + std::to_string(i));
  EXPECT_EQ(erased, 20u);
  EXPECT_EQ(store.erase("api.example.com/k0"), 0u);
  EXPECT_EQ(store.stats().entries, 0u);
  EXPECT_EQ(store.stats().bytes, 0u);
}

// A hot set used more than once, then a scan of one-hit wonders whose bytes
// exceed the whole capacity: plain LRU would hold only the scan's tail and
// lose every hot key. S3-FIFO promotes the hot keys to its main FIFO and lets
// the scan pass through the small one.
class HotSetAgainstScan : public testing::TestWithParam<unsigned> {};

TEST_P(HotSetAgainstScan, HotKeysSurviveAScanLargerThanTheCache) {
  const std::uint64_t capacity = 256 * 1024;
  MemoryStore store(capacity, GetParam());
  const int hot_keys = 40;
  for (int i = 0; i < hot_keys; ++i)
    ASSERT_TRUE(store.insert(make_entry("/hot/" + std::to_string(i), 1000)));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < hot_keys; ++i) {
      ASSERT_NE(find(store, "api.example.com/hot/" + std::to_string(i)), nullptr);
    }
  }
  std::uint64_t scanned_bytes = 0;
  for (int i = 0; i < 2000; ++i) {
    auto entry = make_entry("/scan/" + std::to_string(i), 1000);
    scanned_bytes += entry->charge();
    ASSERT_TRUE(store.insert(std::move(entry)));
  }
  ASSERT_GT(scanned_bytes, 2 * capacity) << "the scan alone would flush an LRU cache";
  int kept = 0;
  for (int i = 0; i < hot_keys; ++i) {
    kept += find(store, "api.example.com/hot/" + std::to_string(i)) != nullptr;
  }
  EXPECT_EQ(kept, hot_keys);
  EXPECT_LE(store.stats().bytes, capacity);
}

INSTANTIATE_TEST_SUITE_P(Shards, HotSetAgainstScan, testing::Values(1u, 4u));

TEST(MemoryStore, AKeyWantedAgainSoonAfterEvictionSkipsProbation) {
  // One shard of ~95 keys. "/returning" is evicted unused from the small
  // FIFO (its hash stays in the ghost FIFO, which remembers about as many
  // keys as the shard holds), then stored again: it goes to the main FIFO,
  // which a second scan does not touch.
  const std::uint64_t capacity = 128 * 1024;
  MemoryStore store(capacity, 1);
  auto scan = [&](const std::string& name, int keys) {
    for (int i = 0; i < keys; ++i) {
      ASSERT_TRUE(store.insert(make_entry("/" + name + "/" + std::to_string(i), 1000)));
    }
  };
  ASSERT_TRUE(store.insert(make_entry("/returning", 1000)));
  // Scan until the first eviction (the small FIFO's head: "/returning"),
  // and a little further. A find() would count as a use, so none here.
  for (int i = 0; store.stats().evictions == 0; ++i) {
    ASSERT_TRUE(store.insert(make_entry("/first/" + std::to_string(i), 1000)));
  }
  scan("first-more", 10);
  ASSERT_TRUE(store.insert(make_entry("/returning", 1000)));
  scan("second", 400);
  EXPECT_NE(find(store, "api.example.com/returning"), nullptr);

  // A key never seen before gets no such treatment.
  ASSERT_TRUE(store.insert(make_entry("/newcomer", 1000)));
  scan("third", 400);
  EXPECT_EQ(find(store, "api.example.com/newcomer"), nullptr);
}

TEST(MemoryStore, ChargeMoreCountsPublishedCompressedVariants) {
  const std::uint64_t capacity = 1 << 20;
  MemoryStore store(capacity);
  auto entry = make_entry("/compressible", 20000);
  ASSERT_TRUE(store.insert(entry));
  const std::uint64_t before = store.stats().bytes;

  auto gzip = std::make_unique<stage::Variant>();
  gzip->id = static_cast<int>(compress::Coding::gzip);
  gzip->body.assign(5000, 'z');
  ASSERT_NE(entry->publish_variant(std::move(gzip)), nullptr);
  store.charge_more(entry->key, 5000);
  const std::uint64_t after = store.stats().bytes;
  EXPECT_GE(after, before + 5000);

  // Idempotent: nothing new was published.
  store.charge_more(entry->key, 5000);
  EXPECT_EQ(store.stats().bytes, after);
  // Unknown keys cost nothing.
  store.charge_more("api.example.com/nothing", 5000);
  EXPECT_EQ(store.stats().bytes, after);

  EXPECT_EQ(store.erase(entry->key), 1u);
  EXPECT_EQ(store.stats().bytes, 0u);
}

TEST(MemoryStore, ChargeMoreEvictsWhenTheStoreOverflows) {
  const std::uint64_t capacity = 256 * 1024;
  MemoryStore store(capacity, 1);
  std::vector<std::shared_ptr<CacheEntry>> entries;
  for (int i = 0; store.stats().evictions == 0; ++i) {
    entries.push_back(make_entry("/e/" + std::to_string(i), 2000));
    ASSERT_TRUE(store.insert(entries.back()));
  }
  auto br = std::make_unique<stage::Variant>();
  br->id = static_cast<int>(compress::Coding::br);
  br->body.assign(20000, 'z');
  const auto& last = entries.back();
  ASSERT_NE(last->publish_variant(std::move(br)), nullptr);
  const std::uint64_t evictions = store.stats().evictions;
  store.charge_more(last->key, 20000);
  EXPECT_GT(store.stats().evictions, evictions);
  EXPECT_LE(store.stats().bytes, capacity);
  EXPECT_NE(find(store, last->key), nullptr) << "the entry charged is not the one evicted";
}

class PurgeTest : public testing::Test {
 protected:
  void SetUp() override {
    add("/v1/items?id=1", "api.example.com", {"item-1", "items"});
    add("/v1/items?id=2", "api.example.com", {"item-2", "items"});
    add("/v1/items?id=1", "other.example.com", {"item-1"});
    add("/v2/orders", "api.example.com", {"orders"});
    add("/v1/me", "api.example.com", {}, "alice");
    add("/v1/me", "api.example.com", {}, "bob");
    ASSERT_EQ(store_.stats().entries, 6u);
  }

  void add(std::string path, std::string host, std::vector<std::string> tags,
           std::string user = "") {
    EntrySpec spec;
    spec.path = std::move(path);
    spec.host = std::move(host);
    spec.tags = std::move(tags);
    spec.user = std::move(user);
    ASSERT_TRUE(store_.insert(make_entry(spec)));
  }

  std::size_t purge(PurgeRequest::Kind kind, std::vector<std::string> values) {
    PurgeRequest request;
    request.kind = kind;
    request.values = std::move(values);
    return store_.purge(request);
  }

  bool held(std::string_view key) { return find(store_, key) != nullptr; }

  MemoryStore store_{1 << 20};
};

TEST_F(PurgeTest, UrlWithoutHostMatchesEveryHost) {
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"/v1/items?id=1"}), 2u);
  EXPECT_FALSE(held("api.example.com/v1/items?id=1"));
  EXPECT_FALSE(held("other.example.com/v1/items?id=1"));
  EXPECT_TRUE(held("api.example.com/v1/items?id=2"));
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"/v1/items"}), 0u) << "exact, not a prefix";
}

TEST_F(PurgeTest, UrlWithHostMatchesThatHostOnly) {
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"https://OTHER.example.com:8443/v1/items?id=1"}), 1u);
  EXPECT_TRUE(held("api.example.com/v1/items?id=1"));
  EXPECT_FALSE(held("other.example.com/v1/items?id=1"));
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"http://api.example.com/v2/orders"}), 1u);
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"http://nowhere.example.com/v1/me"}), 0u);
}

TEST_F(PurgeTest, Prefix) {
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"https://api.example.com/v1/"}), 4u);
  EXPECT_TRUE(held("other.example.com/v1/items?id=1"));
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/v"}), 2u);
  EXPECT_EQ(store_.stats().entries, 0u);
  EXPECT_EQ(store_.stats().bytes, 0u);
}

TEST_F(PurgeTest, HostOnlyPrefixPurgesTheHost) {
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"https://other.example.com"}), 1u);
  EXPECT_EQ(store_.stats().entries, 5u);
}

TEST_F(PurgeTest, Tags) {
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {"item-1", "orders"}), 3u);
  EXPECT_TRUE(held("api.example.com/v1/items?id=2"));
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {"items"}), 1u);
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {"unknown"}), 0u);
}

TEST_F(PurgeTest, User) {
  EXPECT_EQ(purge(PurgeRequest::Kind::user, {"alice"}), 1u);
  EXPECT_FALSE(held("api.example.com/v1/me#alice"));
  EXPECT_TRUE(held("api.example.com/v1/me#bob"));
}

TEST_F(PurgeTest, AllAndEmptyValues) {
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {""}), 0u) << "an empty prefix is not 'all'";
  EXPECT_EQ(purge(PurgeRequest::Kind::user, {""}), 0u) << "shared entries have no user";
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {""}), 0u);
  EXPECT_EQ(purge(PurgeRequest::Kind::all, {}), 6u);
  EXPECT_EQ(store_.stats().entries, 0u);
  EXPECT_EQ(store_.stats().bytes, 0u);
  EXPECT_EQ(store_.stats().evictions, 0u) << "purged entries are not evictions";
}

TEST(MemoryStore, ConcurrentFindInsertErasePurge) {
  const std::uint64_t capacity = 512 * 1024;
  MemoryStore store(capacity, 8);
  std::atomic<std::uint64_t> hits{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(t);
      for (int i = 0; i < 30000; ++i) {
        const std::string path = "/k/" + std::to_string(random() % 3000);
        const unsigned action = random() % 100;
        if (action < 70) {
          EntryPtr entry = find(store, "api.example.com" + path);
          if (entry) {
            hits.fetch_add(1, std::memory_order_relaxed);
            ASSERT_EQ(entry->path_and_query, path);
          } else {
            store.insert(make_entry(path, 100 + random() % 2000));
          }
        } else if (action < 95) {
          store.insert(make_entry(path, 100 + random() % 2000));
        } else if (action < 99) {
          store.erase("api.example.com" + path);
        } else {
          PurgeRequest request;
          request.kind = PurgeRequest::Kind::prefix;
          request.values = {path};
          store.purge(request);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GT(hits.load(), 0u);
  EXPECT_LE(store.stats().bytes, capacity);
  PurgeRequest all;
  store.purge(all);
  EXPECT_EQ(store.stats().entries, 0u);
  EXPECT_EQ(store.stats().bytes, 0u) << "no byte lost or counted twice across threads";
}

}  // namespace
}  // namespace centinela::cache
