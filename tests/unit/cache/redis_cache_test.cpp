#include "cache/redis_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cache/entry_codec.h"
#include "observe/metrics.h"
#include "redis/client.h"
#include "redis_server.h"
#include "redis_test_support.h"

namespace centinela::cache {
namespace {

using namespace redis::test;
using redis::Reply;
using Args = std::vector<std::string>;

constexpr std::string_view kPrefix = "centinela:cache:";

struct EntrySpec {
  std::string key;
  std::string path;
  std::string host = "example.com";
  std::vector<std::string> tags = {};
  std::string user = {};
  std::string vary_value = {};  // empty: no Vary
  std::string body = "body";
};

// The entries below arrived at 1'700'000'000; the cache reads them back soon after.
constexpr std::int64_t kNow = 1'700'000'100;

EntryPtr make_entry(const EntrySpec& spec) {
  auto entry = std::make_shared<CacheEntry>();
  entry->key = spec.key;
  entry->host = spec.host;
  entry->path_and_query = spec.path;
  entry->user = spec.user;
  entry->tags = spec.tags;
  if (!spec.vary_value.empty()) {
    entry->vary_names = {"accept-encoding"};
    entry->vary_values = {spec.vary_value};
  }
  entry->status_code = 200;
  entry->header_lines = "X-Origin: test\r\n";
  entry->content_type = "text/plain";
  entry->content = spec.body;
  entry->response_time = 1'700'000'000;
  entry->freshness_lifetime = 60;
  return entry;
}

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.running()) << server_.error();
    ASSERT_TRUE(run_until(
        io_, [&] { return client_.connected(); }, 5s));
  }

  std::optional<Reply> call(Args args) {
    auto reply = run(io_, client_.command(std::move(args)));
    EXPECT_TRUE(reply.has_value()) << "command did not finish";
    return reply ? *reply : std::nullopt;
  }
  std::int64_t integer(Args args) {
    auto reply = call(std::move(args));
    EXPECT_TRUE(reply && reply->type == Reply::Type::integer);
    return reply ? reply->integer : -100;
  }
  std::string key(std::string_view kind, std::string_view name) {
    return std::string(kPrefix) + std::string(kind) + std::string(name);
  }

  bool store(const EntrySpec& spec, std::int64_t ttl = 100) {
    auto stored = run(io_, cache_.store(make_entry(spec), ttl));
    return stored.value_or(false);
  }
  std::optional<std::vector<EntryPtr>> fetch(std::string_view primary_key) {
    auto fetched = run(io_, cache_.fetch(primary_key, kNow));
    EXPECT_TRUE(fetched.has_value()) << "fetch did not finish";
    return fetched ? *fetched : std::nullopt;
  }
  bool exists(std::string_view primary_key) {
    return integer({"EXISTS", key("e:", primary_key)}) == 1;
  }
  std::optional<std::size_t> purge(PurgeRequest::Kind kind, std::vector<std::string> values) {
    PurgeRequest request;
    request.kind = kind;
    request.values = std::move(values);
    auto purged = run(io_, cache_.purge(request));
    EXPECT_TRUE(purged.has_value()) << "purge did not finish";
    return purged ? *purged : std::nullopt;
  }

  // A catalogue of entries the purge tests pick from.
  void store_catalogue() {
    ASSERT_TRUE(store({.key = "K1", .path = "/a", .tags = {"red"}, .user = "u1"}));
    ASSERT_TRUE(store({.key = "K2", .path = "/b", .tags = {"blue"}}));
    ASSERT_TRUE(store({.key = "K3", .path = "/api/c", .tags = {"red", "blue"}}));
    ASSERT_TRUE(store({.key = "K4", .path = "/api/d", .user = "u2"}));
    ASSERT_TRUE(store({.key = "K5", .path = "/a", .host = "other.org", .tags = {"green"}}));
    ASSERT_TRUE(store({.key = "K6", .path = "/a[1]"}));
    ASSERT_TRUE(store({.key = "K7", .path = "/ab*"}));
  }
  std::set<std::string> remaining() {
    std::set<std::string> left;
    for (const char* k : {"K1", "K2", "K3", "K4", "K5", "K6", "K7"}) {
      if (exists(k)) left.insert(k);
    }
    return left;
  }

  itest::RedisServer server_;
  asio::io_context io_;
  // A timeout far above any reply's time on a loaded machine (ten 1 MiB
  // entries took more than the default 250 ms under a load average of 17),
  // so "answers quickly with Redis down" below means "without waiting it out".
  static constexpr auto kTimeout = 5s;
  redis::Client client_{io_, redis_config(server_.port(), kTimeout)};
  observe::Histogram latency_{observe::default_latency_buckets()};
  observe::Counter errors_;
  RedisCache cache_{client_, std::string(kPrefix), &latency_, &errors_};
};

TEST_F(RedisCacheTest, StoreThenFetchRoundTripsBinaryBodiesAndVariants) {
  std::string binary("\0\r\n\0\xff body with NULs", 20);
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "gzip", .body = binary}));
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "br", .body = "brotli body"}));
  // Storing the same variant again replaces it rather than adding one.
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "br", .body = "brotli body v2"}));

  auto fetched = fetch("K");
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 2u);
  std::map<std::string, std::string> bodies;
  for (const EntryPtr& entry : *fetched) {
    EXPECT_EQ(entry->key, "K");
    EXPECT_EQ(entry->path_and_query, "/x");
    ASSERT_EQ(entry->vary_values.size(), 1u);
    bodies[entry->vary_values[0]] = entry->content;
  }
  EXPECT_EQ(bodies["gzip"], binary);
  EXPECT_EQ(bodies["br"], "brotli body v2");

  auto missing = fetch("nothing here");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty());
  EXPECT_EQ(errors_.value(), 0u);
  EXPECT_GE(latency_.snapshot().count, 5u);
}

TEST_F(RedisCacheTest, EveryKeyExpiresWithTheLongestLivedEntry) {
  ASSERT_TRUE(
      store({.key = "K", .path = "/x", .tags = {"t"}, .user = "u", .vary_value = "gzip"}, 100));
  for (const std::string& k : {key("e:", "K"), key("t:", "t"), key("u:", "u"), key("p:", "/x"),
                               key("p:", "example.com/x")}) {
    std::int64_t ttl = integer({"TTL", k});
    EXPECT_GT(ttl, 95) << k;
    EXPECT_LE(ttl, 100) << k;
  }
  // A shorter-lived variant does not shorten the key's life...
  ASSERT_TRUE(store({.key = "K", .path = "/x", .tags = {"t"}, .vary_value = "br"}, 10));
  EXPECT_GT(integer({"TTL", key("e:", "K")}), 95);
  EXPECT_GT(integer({"TTL", key("t:", "t")}), 95);
  // ...a longer-lived one lengthens it...
  ASSERT_TRUE(store({.key = "K", .path = "/x", .tags = {"t"}, .vary_value = "zstd"}, 1000));
  EXPECT_GT(integer({"TTL", key("e:", "K")}), 995);
  EXPECT_GT(integer({"TTL", key("t:", "t")}), 995);
  EXPECT_GT(integer({"TTL", key("u:", "u")}), 95);
  EXPECT_LE(integer({"TTL", key("u:", "u")}), 100);
  // ...and a key that lost its expiry gets one back (EXPIRE GT would not).
  EXPECT_EQ(integer({"PERSIST", key("e:", "K")}), 1);
  EXPECT_EQ(integer({"TTL", key("e:", "K")}), -1);
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "gzip"}, 50));
  std::int64_t ttl = integer({"TTL", key("e:", "K")});
  EXPECT_GT(ttl, 45);
  EXPECT_LE(ttl, 50);
}

TEST_F(RedisCacheTest, RefusesWhatShouldNotBeStored) {
  EXPECT_FALSE(run(io_, cache_.store(nullptr, 100)).value_or(true));
  EXPECT_FALSE(store({.key = "K", .path = "/x"}, 0));
  std::string huge(kMaxL2EntryBytes, 'x');
  EXPECT_FALSE(store({.key = "K", .path = "/x", .body = huge}));
  EXPECT_FALSE(exists("K"));
}

TEST_F(RedisCacheTest, VariantsPerKeyAreBounded) {
  for (std::size_t i = 0; i < kMaxVariantsPerKey + 8; ++i) {
    ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "v" + std::to_string(i)}));
  }
  EXPECT_EQ(integer({"HLEN", key("e:", "K")}), static_cast<std::int64_t>(kMaxVariantsPerKey));
  auto fetched = fetch("K");
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->size(), kMaxVariantsPerKey);
}

TEST_F(RedisCacheTest, FetchStaysWithinTheReplyLimitsWithManyLargeVariants) {
  // Ten variants of almost 1 MiB: more than one reply may carry.
  std::string big(kMaxL2EntryBytes - 4096, 'b');
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        store({.key = "K", .path = "/x", .vary_value = "v" + std::to_string(i), .body = big}));
  }
  auto fetched = fetch("K");
  ASSERT_TRUE(fetched);
  EXPECT_GE(fetched->size(), 4u);
  EXPECT_LT(fetched->size(), 10u);
  for (const EntryPtr& entry : *fetched) EXPECT_EQ(entry->content, big);
  EXPECT_TRUE(client_.connected());
  EXPECT_EQ(call({"PING"})->str, "PONG");
}

TEST_F(RedisCacheTest, UndecodableValuesAreSkipped) {
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "gzip", .body = "good"}));
  // Garbage, a future format, and a valid entry of another key.
  call({"HSET", key("e:", "K"), "junk", std::string("\0garbage\xff", 9)});
  std::string future;
  encode_entry(*make_entry({.key = "K", .path = "/x"}), future);
  future[3] = 9;
  call({"HSET", key("e:", "K"), "future", future});
  std::string foreign;
  encode_entry(*make_entry({.key = "OTHER", .path = "/x"}), foreign);
  call({"HSET", key("e:", "K"), "foreign", foreign});
  // Well encoded, but with a header line no origin could have sent.
  auto forged = std::const_pointer_cast<CacheEntry>(make_entry({.key = "K", .path = "/x"}));
  forged->header_lines = "X-A: 1\nSet-Cookie: s=1\r\n";
  std::string tampered;
  encode_entry(*forged, tampered);
  call({"HSET", key("e:", "K"), "tampered", tampered});

  auto fetched = fetch("K");
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  EXPECT_EQ((*fetched)[0]->content, "good");
}

TEST_F(RedisCacheTest, EraseVariantRemovesOnlyThatVariant) {
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "gzip", .body = "g"}));
  ASSERT_TRUE(store({.key = "K", .path = "/x", .vary_value = "br", .body = "b"}));
  EXPECT_TRUE(run(io_, cache_.erase_variant(make_entry({.key = "K", .vary_value = "gzip"})))
                  .value_or(false));
  auto fetched = fetch("K");
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  EXPECT_EQ((*fetched)[0]->content, "b");
}

TEST_F(RedisCacheTest, AKeyOfTheWrongTypeIsAnErrorNotACrash) {
  call({"SET", key("e:", "K"), "a plain string"});
  auto fetched = fetch("K");
  EXPECT_FALSE(fetched);
  EXPECT_FALSE(store({.key = "K", .path = "/x"}));
  EXPECT_GE(errors_.value(), 2u);
  EXPECT_TRUE(client_.connected());
}

TEST_F(RedisCacheTest, PurgeByTagRemovesExactlyTheTagged) {
  store_catalogue();
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {"red"}), 2u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K2", "K4", "K5", "K6", "K7"}));
  EXPECT_EQ(integer({"EXISTS", key("t:", "red")}), 0);
  EXPECT_EQ(purge(PurgeRequest::Kind::tags, {"blue", "green", "unknown"}), 2u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K4", "K6", "K7"}));
}

TEST_F(RedisCacheTest, PurgeByUserRemovesExactlyTheirs) {
  store_catalogue();
  EXPECT_EQ(purge(PurgeRequest::Kind::user, {"u2"}), 1u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K2", "K3", "K5", "K6", "K7"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::user, {"nobody"}), 0u);
}

TEST_F(RedisCacheTest, PurgeByUrlMatchesThePathOnAnyHostOrOneHost) {
  store_catalogue();
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"https://OTHER.org:8443/a"}), 1u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K2", "K3", "K4", "K6", "K7"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"/b", "/api"}), 1u);  // "/api" is no url stored
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K3", "K4", "K6", "K7"}));
  // No path: neither a path nor a host's set may be taken for it.
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"example.com/a", "http://example.com"}), 0u);
  EXPECT_EQ(purge(PurgeRequest::Kind::url, {"/a"}), 1u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K3", "K4", "K6", "K7"}));
}

TEST_F(RedisCacheTest, PurgeByPrefixTreatsGlobCharactersLiterally) {
  store_catalogue();
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/api/"}), 2u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K2", "K5", "K6", "K7"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/a["}), 1u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K2", "K5", "K7"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/a?"}), 0u);
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"example"}), 0u);          // no path
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"http://other.or"}), 0u);  // not a host prefix
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"http://other.org"}), 1u);
  EXPECT_EQ(remaining(), (std::set<std::string>{"K1", "K2", "K7"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/a"}), 2u);  // K1 "/a" and K7 "/ab*"
  EXPECT_EQ(remaining(), (std::set<std::string>{"K2"}));
}

TEST_F(RedisCacheTest, PurgeByPrefixWalksManyKeysInBatches) {
  for (int i = 0; i < 1200; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(store({.key = "many" + n, .path = "/many/" + n}));
  }
  ASSERT_TRUE(store({.key = "K2", .path = "/b"}));
  EXPECT_EQ(purge(PurgeRequest::Kind::prefix, {"/many/"}), 1200u);
  EXPECT_TRUE(exists("K2"));
  EXPECT_FALSE(exists("many0"));
  EXPECT_FALSE(exists("many1199"));
}

TEST_F(RedisCacheTest, PurgeAllRemovesOnlyKeysUnderThePrefix) {
  store_catalogue();
  call({"SET", "unrelated", "keep me"});
  call({"SET", "centinela:cacheX", "keep me too"});
  EXPECT_EQ(purge(PurgeRequest::Kind::all, {}), 7u);
  EXPECT_TRUE(remaining().empty());
  EXPECT_EQ(integer({"DBSIZE"}), 2);
  EXPECT_EQ(integer({"EXISTS", "unrelated"}), 1);
}

TEST_F(RedisCacheTest, PublishReachesTheChannel) {
  // Without a subscriber PUBLISH still answers (0 receivers).
  EXPECT_TRUE(run(io_, cache_.publish("hello")).value_or(false));
}

TEST_F(RedisCacheTest, WithRedisDownEveryCallAnswersNothingQuickly) {
  server_.stop();
  ASSERT_TRUE(run_until(
      io_, [&] { return !client_.connected(); }, 5s));
  std::uint64_t errors_before = errors_.value();

  auto start = Clock::now();
  auto fetched = run(io_, cache_.fetch("K", kNow));
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(fetched.has_value()) << "fetch did not finish";
  EXPECT_FALSE(*fetched);
  EXPECT_LT(elapsed, kTimeout / 5);

  EXPECT_FALSE(store({.key = "K", .path = "/x"}));
  PurgeRequest all;
  auto purged = run(io_, cache_.purge(all));
  ASSERT_TRUE(purged.has_value()) << "purge did not finish";
  EXPECT_FALSE(*purged);
  EXPECT_FALSE(run(io_, cache_.publish("m")).value_or(true));
  EXPECT_GE(errors_.value(), errors_before + 4);

  // And it all works again once Redis is back.
  ASSERT_TRUE(server_.start());
  ASSERT_TRUE(run_until(
      io_, [&] { return client_.connected(); }, 5s));
  EXPECT_TRUE(store({.key = "K", .path = "/x"}));
  auto back = fetch("K");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), 1u);
}

// --- Purge messages ---------------------------------------------------------

PurgeRequest request_of(PurgeRequest::Kind kind, std::vector<std::string> values) {
  PurgeRequest request;
  request.kind = kind;
  request.values = std::move(values);
  return request;
}

TEST(PurgeMessage, RoundTripsEveryKind) {
  std::vector<PurgeRequest> requests = {
      request_of(PurgeRequest::Kind::url, {"https://example.com/a?b=1"}),
      request_of(PurgeRequest::Kind::prefix, {"/api/"}),
      request_of(PurgeRequest::Kind::tags, {"one", "two \"quoted\"", "ünï\x01"}),
      request_of(PurgeRequest::Kind::tags, {"single"}),
      request_of(PurgeRequest::Kind::user, {"alice"}),
      request_of(PurgeRequest::Kind::all, {}),
  };
  for (const PurgeRequest& request : requests) {
    std::string message = encode_purge_message(request, "instance-\"7\"");
    PurgeRequest decoded;
    std::string from;
    std::string error;
    ASSERT_TRUE(decode_purge_message(message, decoded, from, error)) << message << ": " << error;
    EXPECT_EQ(decoded.kind, request.kind) << message;
    EXPECT_EQ(decoded.values, request.values) << message;
    EXPECT_EQ(from, "instance-\"7\"");
  }
}

TEST(PurgeMessage, HasTheDocumentedShape) {
  EXPECT_EQ(encode_purge_message(request_of(PurgeRequest::Kind::tags, {"a", "b"}), "i1"),
            R"({"from":"i1","purge":{"tags":["a","b"]}})");
  EXPECT_EQ(encode_purge_message(request_of(PurgeRequest::Kind::url, {"/x"}), "i1"),
            R"({"from":"i1","purge":{"url":"/x"}})");
  EXPECT_EQ(encode_purge_message(request_of(PurgeRequest::Kind::all, {}), "i1"),
            R"({"from":"i1","purge":{"all":true}})");
}

TEST(PurgeMessage, RefusesGarbage) {
  std::string deep(10000, '[');
  std::string huge = R"({"from":"a","purge":{"url":")" + std::string(2 << 20, 'x') + "\"}}";
  for (std::string_view garbage :
       {std::string_view(""),
        std::string_view("{"),
        std::string_view("[]"),
        std::string_view("null"),
        std::string_view("\xff\xfe"),
        std::string_view(R"({"from":1,"purge":{"all":true}})"),
        std::string_view(R"({"purge":{"all":true}})"),
        std::string_view(R"({"from":"a"})"),
        std::string_view(R"({"from":"a","purge":{}})"),
        std::string_view(R"({"from":"a","purge":[]})"),
        std::string_view(R"({"from":"a","purge":{"all":false}})"),
        std::string_view(R"({"from":"a","purge":{"all":"yes"}})"),
        std::string_view(R"({"from":"a","purge":{"nope":"x"}})"),
        std::string_view(R"({"from":"a","purge":{"url":""}})"),
        std::string_view(R"({"from":"a","purge":{"url":5}})"),
        std::string_view(R"({"from":"a","purge":{"tags":[]}})"),
        std::string_view(R"({"from":"a","purge":{"tags":["x",1]}})"),
        std::string_view(R"({"from":"a","purge":{"url":"/a","tags":["x"]}})"),
        std::string_view(R"({"from":"a","purge":{"all":true}} trailing)"),
        std::string_view(deep),
        std::string_view(huge)}) {
    PurgeRequest out = request_of(PurgeRequest::Kind::user, {"untouched"});
    std::string from = "untouched";
    std::string error;
    EXPECT_FALSE(decode_purge_message(garbage, out, from, error)) << garbage.substr(0, 80);
    EXPECT_FALSE(error.empty()) << garbage.substr(0, 80);
    EXPECT_EQ(out.values, std::vector<std::string>{"untouched"});
    EXPECT_EQ(from, "untouched");
  }
}

}  // namespace
}  // namespace centinela::cache
