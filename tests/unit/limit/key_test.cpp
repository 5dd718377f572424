#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "limit/key_hash.h"
#include "limit/rate_limit_key.h"

namespace centinela::limit {
namespace {

struct Request {
  testing::FakeRequest fake;
  stage::RequestHead& head = fake.head;
  stage::RequestContext& ctx = fake.ctx;
};

Policy policy_with(std::vector<std::string> parts) {
  config::RateLimitPolicyConfig config;
  config.name = "p";
  config.key = std::move(parts);
  config.limit = 10;
  config.window = std::chrono::seconds(1);
  return make_policy(config, {}, false);
}

std::string key_of(const Policy& policy, const stage::RequestContext& ctx) {
  std::string out;
  append_key_text(out, policy, ctx, "api");
  return out;
}

TEST(RateLimitKey, PartsAndFallbacks) {
  Request r;
  r.ctx.client_ip = "203.0.113.9";
  EXPECT_EQ(key_of(policy_with({"ip"}), r.ctx), "203.0.113.9");
  EXPECT_EQ(key_of(policy_with({"user"}), r.ctx), "ip:203.0.113.9");
  EXPECT_EQ(key_of(policy_with({"api_key"}), r.ctx), "ip:203.0.113.9");
  EXPECT_EQ(key_of(policy_with({"header:x-tenant"}), r.ctx), "ip:203.0.113.9");
  r.ctx.user = "alice";
  r.ctx.api_key = "k1";
  r.head.set("X-Tenant", "acme");
  EXPECT_EQ(key_of(policy_with({"user", "route"}), r.ctx), "user:alice|api");
  // A secret: the first 128 bits of its SHA-256 (`printf %s k1 | sha256sum`).
  EXPECT_EQ(key_of(policy_with({"api_key"}), r.ctx), "key:6ab9f1eb8f7d3388f4f9d586f66e99fd");
  EXPECT_EQ(key_of(policy_with({"header:x-tenant", "ip"}), r.ctx), "header:acme|203.0.113.9");
  EXPECT_EQ(key_of(policy_with({"global"}), r.ctx), "");
}

TEST(RateLimitKey, HostileValuesAreCappedAndCleaned) {
  Request r;
  r.ctx.client_ip = "198.51.100.1";
  r.head.set("X-Tenant", std::string(8 * 1024, 'A'));
  const std::string big = key_of(policy_with({"header:x-tenant"}), r.ctx);
  EXPECT_EQ(big.size(), std::string_view("header:").size() + kMaxKeyPartBytes);
  r.ctx.user = std::string("bob\r\nX: 1\x7f|\0z%", 14);
  EXPECT_EQ(key_of(policy_with({"user"}), r.ctx), "user:bob%0D%0AX: 1%7F%7C%00z%25");
  EXPECT_EQ(normalize_key_text("a\nb|c%7C"), "a%0Ab|c%7C");
}

TEST(RateLimitKey, NoValueCountsAsAnotherSourceOrForgesASeparator) {
  Request anonymous;
  anonymous.ctx.client_ip = "203.0.113.5";
  Request posing;
  posing.ctx.client_ip = "198.51.100.7";
  posing.ctx.user = "ip:203.0.113.5";
  posing.head.set("X-Tenant", "ip:203.0.113.5");
  for (const char* part : {"user", "header:x-tenant"}) {
    EXPECT_NE(key_of(policy_with({part}), anonymous.ctx), key_of(policy_with({part}), posing.ctx))
        << part;
  }
  Request one;
  one.head.set("X-A", "a|b");
  one.head.set("X-B", "c");
  Request other;
  other.head.set("X-A", "a");
  other.head.set("X-B", "b|c");
  const Policy pair = policy_with({"header:x-a", "header:x-b"});
  EXPECT_NE(key_of(pair, one.ctx), key_of(pair, other.ctx));
}

TEST(RateLimitKey, ScopeSeparatesRoutesUnlessGlobal) {
  Policy per_ip = policy_with({"ip"});
  EXPECT_NE(key_scope("a", per_ip), key_scope("b", per_ip));
  Policy global = policy_with({"global"});
  EXPECT_TRUE(global.global_scope);
  EXPECT_EQ(key_scope("a", global), key_scope("b", global));
  Policy sliding = per_ip;
  sliding.algorithm = Algorithm::sliding_window;
  EXPECT_NE(key_scope("a", per_ip), key_scope("a", sliding));
}

TEST(KeyHash, OneBitFlipsAboutHalfTheOutput) {
  const std::uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
  std::uint64_t flipped = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string a = "key-" + std::to_string(i);
    std::string b = a;
    b[0] ^= 1;
    flipped +=
        static_cast<unsigned>(__builtin_popcountll(siphash13(k0, k1, a) ^ siphash13(k0, k1, b)));
  }
  EXPECT_NEAR(static_cast<double>(flipped) / 1000, 32.0, 1.0);
  EXPECT_NE(siphash13(k0, k1, ""), siphash13(k0 + 1, k1, ""));
  EXPECT_NE(key_fingerprint("x"), 0u);
  EXPECT_EQ(key_fingerprint("x"), key_fingerprint("x"));
}

}  // namespace
}  // namespace centinela::limit
