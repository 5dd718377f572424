// Two gateways sharing one real redis-server as the L2 cache: one serves the
// other's entries, a purge on one reaches the other's L1 within a second,
// Redis dying or hanging costs hits, never answers, and an entry tampered
// with in Redis is checked like an origin response and never served.
#include <cstdio>
#include <functional>
#include <limits>

#include "cache_fixture.h"
#include "l2_entry.h"
#include "redis_command.h"
#include "redis_server.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// DBSIZE through redis-cli; -1 when it cannot be read.
long redis_dbsize(int port) {
  std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " dbsize 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char line[64] = {};
  bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  return read ? std::strtol(line, nullptr, 10) : -1;
}

class CacheSharedTest : public CacheTest {
 protected:
  // Gateway A (the fixture's) and gateway B, same routes, both with `cache.shared: redis`.
  ::testing::AssertionResult start_pair() {
    if (!redis_.running()) return ::testing::AssertionFailure() << redis_.error();
    extra_yaml_ = "redis:\n  url: \"" + redis_.url() +
                  "\"\n  timeout: 200ms\ncache:\n  memory: 64MiB\n  shared: redis\n";
    auto started = start_with(extra_yaml_);
    if (!started) return started;
    started = start_other_gateway(extra_yaml_);
    if (!started) return started;
    bool connected = eventually(
        [&] {
          return redis_state(admin_port()) == "connected" &&
                 redis_state(b_admin_port()) == "connected";
        },
        5000ms, 50ms);
    if (!connected) return ::testing::AssertionFailure() << "Redis not connected in /ready";
    return ::testing::AssertionSuccess();
  }

  // Gateway B, once start_pair() has started it.
  HttpResponse get_b(const std::string& target, const HeaderList& headers = {}) {
    return http_get(others_.at(0)->port(), target, headers);
  }
  std::uint16_t b_admin_port() const { return others_.at(0)->admin_port(); }

  // The "redis" member of /ready on an admin port.
  static std::string redis_state(std::uint16_t admin) {
    auto body = parse_json(http_get(admin, "/ready").body);
    return body ? body->string_at("redis", "(not a string)") : "(not JSON)";
  }

  // Waits until Redis holds at least `keys` keys (the L2 write is asynchronous).
  bool redis_holds(long keys) {
    return eventually([&] { return redis_dbsize(redis_.port()) >= keys; }, 3000ms, 20ms);
  }

  // Rewrites every stored variant of the entry A stored for `path` with
  // `tamper`. False when there is no such entry in Redis.
  template <typename Tamper>
  ::testing::AssertionResult tamper_with(const std::string& path, Tamper tamper) {
    const auto port = static_cast<std::uint16_t>(redis_.port());
    std::optional<std::vector<std::string>> keys;
    bool found = eventually(
        [&] {
          keys = redis_command(port, {"SMEMBERS", "centinela:cache:p:" + path});
          return keys && !keys->empty();
        },
        3000ms, 20ms);
    if (!found) return ::testing::AssertionFailure() << "no entry for " << path << " in Redis";
    const std::string hash = "centinela:cache:e:" + keys->front();
    auto fields = redis_command(port, {"HGETALL", hash});
    if (!fields || fields->size() < 2) {
      return ::testing::AssertionFailure() << "no variant under " << path;
    }
    for (std::size_t i = 0; i + 1 < fields->size(); i += 2) {
      auto entry = L2Entry::parse((*fields)[i + 1]);
      if (!entry) return ::testing::AssertionFailure() << "not a version 1 entry";
      tamper(*entry);
      if (!redis_command(port, {"HSET", hash, (*fields)[i], entry->encode()})) {
        return ::testing::AssertionFailure() << "HSET failed";
      }
    }
    return ::testing::AssertionSuccess();
  }

  RedisServer redis_;
  std::string extra_yaml_;
};

TEST_F(CacheSharedTest, OneGatewayServesTheOthersEntriesAndPurgesReachBoth) {
  cache_route("{}");
  origin_.on("/s", numbered("s", {{"Cache-Control", "max-age=60"}, {"Cache-Tags", "shared-tag"}}));
  origin_.on("/keep", numbered("keep", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_pair());

  HttpResponse stored = get("/s");
  EXPECT_EQ(stored.body, "s-1");
  EXPECT_EQ(x_cache(stored), "MISS");
  ASSERT_TRUE(redis_holds(1)) << "nothing written to Redis";

  HttpResponse from_l2 = get_b("/s");
  EXPECT_EQ(from_l2.status, 200);
  EXPECT_EQ(from_l2.body, "s-1");
  EXPECT_EQ(x_cache(from_l2), "HIT") << "B did not read A's entry from Redis";
  EXPECT_EQ(origin_.request_count("/s"), 1u);
  EXPECT_EQ(get_b("/s").body, "s-1");
  get_b("/keep");
  ASSERT_EQ(x_cache(get_b("/keep")), "HIT");

  HttpResponse answer = purge(R"({"tags": ["shared-tag"]})");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_GE(purged_count(answer), 1) << answer.body;
  auto purged_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(eventually([&] { return x_cache(get_b("/s")) == "MISS"; }, 1000ms, 25ms))
      << "B still served the purged entry a second later";
  EXPECT_LT(std::chrono::steady_clock::now() - purged_at, 1500ms);
  EXPECT_EQ(x_cache(get_b("/keep")), "HIT") << "the tag purge removed an untagged entry";
  HttpResponse on_a = get("/s");
  EXPECT_NE(on_a.body, "s-1") << "A served the purged entry";
}

TEST_F(CacheSharedTest, AWriteThroughOneGatewayInvalidatesTheOthersCopy) {
  cache_route("{}");
  origin_.on("/doc", [gets = std::make_shared<std::atomic<int>>(0)](const ReceivedRequest& r) {
    if (r.method == "GET" || r.method == "HEAD") {
      return reply_with("doc-" + std::to_string(++*gets), "max-age=60");
    }
    return OriginReply::text(200, "changed");
  });
  ASSERT_TRUE(start_pair());

  get_b("/doc");
  ASSERT_EQ(x_cache(get_b("/doc")), "HIT");               // in B's L1
  EXPECT_EQ(send("PUT", "/doc", {}, "new").status, 200);  // through A
  HttpResponse after;
  // Through Redis' pub/sub: well under a second on a quiet machine; the bound
  // is for a loaded one (it took over 1 s once with CI beside an LTO link).
  EXPECT_TRUE(eventually(
      [&] {
        after = get_b("/doc");
        return x_cache(after) == "MISS";
      },
      5000ms, 25ms))
      << "B kept serving what a PUT through A changed";
  EXPECT_EQ(after.body, "doc-2");
}

TEST_F(CacheSharedTest, RedisKilledMidTestCostsNoAnswers) {
  cache_route("{}");
  origin_.on("/k1", numbered("k1", {{"Cache-Control", "max-age=60"}}));
  origin_.on("/k2", numbered("k2", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_pair());
  get("/k1");
  ASSERT_EQ(x_cache(get("/k1")), "HIT");
  get_b("/k2");
  ASSERT_EQ(x_cache(get_b("/k2")), "HIT");

  redis_.stop();
  int errors = 0;
  for (int i = 0; i < 10; ++i) {
    const std::string fresh = "/new-" + std::to_string(i);
    for (const HttpResponse& response : {get("/k1"), get_b("/k2"), get(fresh), get_b(fresh)}) {
      if (response.status != 200) {
        ++errors;
        ADD_FAILURE() << "status " << response.status << " " << response.error << " "
                      << response.body.substr(0, 200);
      }
    }
  }
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(x_cache(get("/k1")), "HIT") << "L1 hits stopped with Redis down";
  EXPECT_EQ(x_cache(get_b("/k2")), "HIT");
  EXPECT_TRUE(eventually([&] { return redis_state(admin_port()) == "disconnected"; }, 5000ms, 50ms))
      << redis_state(admin_port());
  EXPECT_TRUE(
      eventually([&] { return redis_state(b_admin_port()) == "disconnected"; }, 5000ms, 50ms));
  // A purge with Redis down still clears this instance.
  HttpResponse answer = purge(R"({"url": "/k1"})");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(x_cache(get("/k1")), "MISS");

  // Redis back: the gateways reconnect by themselves and share again.
  ASSERT_TRUE(redis_.start());
  EXPECT_TRUE(eventually([&] { return redis_state(admin_port()) == "connected"; }, 10000ms, 100ms))
      << redis_state(admin_port());
}

TEST_F(CacheSharedTest, HangingRedisDoesNotStallRequests) {
  cache_route("{}");
  origin_.on("/h", numbered("h", {{"Cache-Control", "max-age=60"}}));
  origin_.on("/cold", numbered("cold", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_pair());
  get("/h");
  ASSERT_TRUE(redis_holds(1));

  redis_.pause();
  for (const std::string target : {"/cold", "/h", "/cold"}) {
    SCOPED_TRACE(target);
    auto started = std::chrono::steady_clock::now();
    HttpResponse response = get_b(target);
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_LT(took, 1500ms) << "a request waited on a hung Redis";
  }
  auto started = std::chrono::steady_clock::now();
  HttpResponse hit = get("/h");
  EXPECT_EQ(x_cache(hit), "HIT");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << "an L1 hit waited on Redis";
  redis_.resume();
  EXPECT_TRUE(serves_normally());
}

TEST_F(CacheSharedTest, AnEntryTamperedWithInRedisIsNotServed) {
  cache_route("{}");
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  constexpr std::int64_t kCentury = 100ll * 365 * 86400;
  struct Case {
    std::string path;
    std::function<void(L2Entry&)> tamper;
  };
  const std::vector<Case> cases = {
      {"/bare-lf", [](L2Entry& e) { e.header_lines() += "X-Note: a\nSet-Cookie: stolen=1\r\n"; }},
      {"/bare-cr", [](L2Entry& e) { e.header_lines() += "X-Note: a\rSet-Cookie: stolen=1\r\n"; }},
      {"/nul", [](L2Entry& e) { e.header_lines() += std::string("X-Note: a\0b\r\n", 13); }},
      {"/no-colon", [](L2Entry& e) { e.header_lines() += "Set-Cookie stolen=1\r\n"; }},
      {"/framing", [](L2Entry& e) { e.header_lines() += "Content-Length: 0\r\n"; }},
      {"/etag", [](L2Entry& e) { e.etag() = "\"v\"\r\nSet-Cookie: stolen=1"; }},
      {"/future",
       [now](L2Entry& e) {
         e.request_time() = e.response_time() = e.date_value() = now + kCentury;
       }},
      {"/past", [](L2Entry& e) { e.date_value() = std::numeric_limits<std::int64_t>::min(); }},
  };
  for (const Case& c : cases) {
    origin_.on(c.path, numbered(c.path, {{"Cache-Control", "max-age=600"}}));
  }
  ASSERT_TRUE(start_pair());

  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    ASSERT_EQ(get(c.path).body, c.path + "-1");
    ASSERT_TRUE(tamper_with(c.path, c.tamper));
    HttpResponse from_b = get_b(c.path);
    EXPECT_EQ(from_b.status, 200) << from_b.error;
    EXPECT_EQ(from_b.body, c.path + "-2") << "B served the tampered entry";
    EXPECT_EQ(x_cache(from_b), "MISS");
    EXPECT_FALSE(from_b.has_header("set-cookie"));
    EXPECT_FALSE(from_b.has_header("x-note"));
  }
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
