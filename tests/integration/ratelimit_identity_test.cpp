// Rate limits keyed by who the client is: a verified JWT's `sub` or an API
// key get their own budget; a request without a verified identity (no token,
// a bad signature, alg none, an expired token) counts against its IP.
//
// Tokens are minted here with a small self-contained HMAC-SHA256 (this binary
// links no crypto library); the first test checks it against a token signed
// elsewhere, so a broken minter cannot pass for a broken gateway.
#include <array>
#include <cstdint>

#include "gateway_fixture.h"

namespace itest {
namespace {

// --- SHA-256 (FIPS 180-4) and HMAC (RFC 2104), just enough for HS256 ------

class Sha256 {
 public:
  void update(std::string_view data) {
    for (char c : data) {
      block_[block_size_++] = static_cast<std::uint8_t>(c);
      if (block_size_ == 64) {
        compress();
        block_size_ = 0;
      }
    }
    bit_length_ += 8 * data.size();
  }

  std::string finish() {
    const std::uint64_t bits = bit_length_;
    update(std::string_view("\x80", 1));
    while (block_size_ != 56) update(std::string_view("\0", 1));
    std::string length(8, '\0');
    for (int i = 0; i < 8; ++i) length[i] = static_cast<char>(bits >> (56 - 8 * i));
    update(length);
    std::string out(32, '\0');
    for (int i = 0; i < 8; ++i) {
      for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<char>(state_[i] >> (24 - 8 * j));
    }
    return out;
  }

 private:
  static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  void compress() {
    static constexpr std::array<std::uint32_t, 64> k = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i) {
      w[i] = std::uint32_t{block_[4 * i]} << 24 | std::uint32_t{block_[4 * i + 1]} << 16 |
             std::uint32_t{block_[4 * i + 2]} << 8 | std::uint32_t{block_[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::array<std::uint32_t, 8> v = state_;
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      const std::uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      const std::uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
      const std::uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      const std::uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      const std::uint32_t t2 = s0 + maj;
      v = {t1 + t2, v[0], v[1], v[2], v[3] + t1, v[4], v[5], v[6]};
    }
    for (int i = 0; i < 8; ++i) state_[i] += v[i];
  }

  std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_size_ = 0;
  std::uint64_t bit_length_ = 0;
};

std::string sha256(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

std::string hmac_sha256(std::string key, std::string_view message) {
  if (key.size() > 64) key = sha256(key);
  key.resize(64, '\0');
  std::string inner_pad(64, '\0'), outer_pad(64, '\0');
  for (int i = 0; i < 64; ++i) {
    inner_pad[i] = static_cast<char>(key[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(key[i] ^ 0x5c);
  }
  return sha256(outer_pad + sha256(inner_pad + std::string(message)));
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (char c : bytes) {
    bits = (bits << 8) | static_cast<std::uint8_t>(c);
    bit_count += 8;
    while (bit_count >= 6) {
      bit_count -= 6;
      out += kAlphabet[(bits >> bit_count) & 63];
    }
  }
  if (bit_count > 0) out += kAlphabet[(bits << (6 - bit_count)) & 63];
  return out;
}

constexpr const char* kSecret = "integration-test-secret-0123456789abcdef";
constexpr const char* kHs256Header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::int64_t kYear2100 = 4102444800;

std::string hs256_token(const std::string& claims, const std::string& secret = kSecret) {
  const std::string signing_input = base64url(kHs256Header) + "." + base64url(claims);
  return signing_input + "." + base64url(hmac_sha256(secret, signing_input));
}

std::string token_for(const std::string& sub, std::int64_t exp = kYear2100) {
  return hs256_token(fmt::format(R"({{"sub":"{}","exp":{}}})", sub, exp));
}

// A boolean member as text: "true", "false", or "(missing)" when `object`
// is null or the member is absent or not a boolean.
std::string flag(const JsonValue* object, std::string_view key) {
  const JsonValue* value = object != nullptr ? object->get(key) : nullptr;
  if (value == nullptr || value->kind != JsonValue::Kind::boolean) return "(missing)";
  return value->boolean ? "true" : "false";
}

HeaderList bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

TEST(TokenMinter, ReproducesKnownVectors) {
  // FIPS 180-2 example and RFC 4231 test case 2.
  EXPECT_EQ(base64url(sha256("abc")), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  EXPECT_EQ(base64url(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
  // The token identity_test.cpp carries, signed elsewhere.
  EXPECT_EQ(token_for("alice@example"),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
            "8NRHiI9f_Be1NW4vw8sY8I8MJzop5B38omn7Uz1OXpQ");
}

class RateLimitIdentityTest : public GatewayTest {
 protected:
  ::testing::AssertionResult start(const std::string& policies) {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api, rate_limit: )" + policies + "}"};
    std::string yaml = config_.render();
    yaml += "identity:\n";
    yaml += fmt::format("  jwt: {{hs256_secret: \"{}\"}}\n", kSecret);
    yaml += "  api_keys: {keys: {\"k_live_bob\": \"bob\", \"k_live_carol\": \"carol\"}}\n";
    write_config_file(yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  // GET /admin/ratelimit's first entry for `key`: "remaining" (or -1).
  double remaining(const std::string& policy, const std::string& key) {
    auto body = parse_json(admin_get("/admin/ratelimit?policy=" + policy + "&key=" + key).body);
    if (!body) return -1;
    const JsonValue* entries = body->get("entries");
    if (!entries || entries->items.empty()) return -1;
    return entries->items[0].number_at("remaining").value_or(-1);
  }
};

TEST_F(RateLimitIdentityTest, EachJwtSubjectHasItsOwnBudget) {
  ASSERT_TRUE(start("[{name: per_user, key: user, limit: 2, window: 1h}]"));
  const std::string alice = token_for("alice@example");
  const std::string dave = token_for("dave@example");

  EXPECT_EQ(get("/x", bearer(alice)).status, 200);
  EXPECT_EQ(get("/x", bearer(alice)).status, 200);
  HttpResponse refused = get("/x", bearer(alice));
  EXPECT_TRUE(is_gateway_error(refused, 429, "RATE_LIMITED"));
  // Another subject from the same address is not affected, nor is the IP budget.
  EXPECT_EQ(get("/x", bearer(dave)).status, 200);
  EXPECT_EQ(get("/x", bearer(dave)).status, 200);
  EXPECT_EQ(get("/x", bearer(dave)).status, 429);
  EXPECT_EQ(get("/x").status, 200);

  EXPECT_EQ(remaining("per_user", "user:alice@example"), 0);
  EXPECT_EQ(remaining("per_user", "user:dave@example"), 0);
  EXPECT_EQ(remaining("per_user", "ip:127.0.0.1"), 1);
  auto stats = parse_json(admin_get("/admin/stats").body);
  ASSERT_TRUE(stats);
  const JsonValue* top = stats->get("top_limited_keys");
  ASSERT_TRUE(top);
  std::vector<std::string> keys;
  for (const JsonValue& entry : top->items) keys.push_back(entry.string_at("key"));
  EXPECT_NE(std::find(keys.begin(), keys.end(), "user:alice@example"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "user:dave@example"), keys.end());

  // Unblocking one user leaves the other blocked.
  ASSERT_EQ(http_request(admin_port(), "DELETE",
                         "/admin/ratelimit?policy=per_user&key=user:alice%40example")
                .status,
            200);
  EXPECT_EQ(get("/x", bearer(alice)).status, 200);
  EXPECT_EQ(get("/x", bearer(dave)).status, 429);
}

TEST_F(RateLimitIdentityTest, RequestsWithoutAVerifiedIdentityShareTheIpBudget) {
  ASSERT_TRUE(start("[{name: per_user, key: user, limit: 4, window: 1h}]"));
  const std::string alg_none = base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                               base64url(R"({"sub":"mallory","exp":4102444800})") + ".";
  const std::string alg_none_signed =  // alg none, with a valid HS256 signature attached
      base64url(R"({"alg":"none","typ":"JWT"})") + "." +
      base64url(R"({"sub":"mallory","exp":4102444800})") + "." +
      base64url(hmac_sha256(kSecret, base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                                         base64url(R"({"sub":"mallory","exp":4102444800})")));
  const std::string expired = token_for("mallory", 1000000000);
  const std::string wrong_key =
      hs256_token(R"({"sub":"mallory","exp":4102444800})", "another-secret-of-at-least-32-bytes!!");
  // Signed over other claims: the signature does not match these.
  const std::string good = token_for("mallory");
  const std::string tampered = base64url(kHs256Header) + "." +
                               base64url(R"({"sub":"mallory2","exp":4102444800})") + "." +
                               good.substr(good.rfind('.') + 1);

  // Four requests without a usable identity spend the address's budget...
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(get("/x", bearer(alg_none)).status, 200);
  EXPECT_EQ(get("/x", bearer(expired)).status, 200);
  EXPECT_EQ(get("/x", bearer(wrong_key)).status, 200);
  EXPECT_EQ(remaining("per_user", "ip:127.0.0.1"), 0);
  // ...and then none of them gets through, whatever token it waves.
  for (const std::string& token : {alg_none, alg_none_signed, expired, wrong_key, tampered,
                                   std::string("not-a-jwt"), std::string(9000, 'a')}) {
    HttpResponse response = get("/x", bearer(token));
    EXPECT_EQ(response.status, 429) << token.substr(0, 60);
  }
  EXPECT_EQ(get("/x").status, 429);
  // None of them created a budget for the name it claimed.
  EXPECT_EQ(remaining("per_user", "user:mallory"), 4);
  EXPECT_EQ(remaining("per_user", "user:mallory2"), 4);
  // A valid token still has its own.
  EXPECT_EQ(get("/x", bearer(good)).status, 200);
  EXPECT_EQ(remaining("per_user", "user:mallory"), 3);
}

TEST_F(RateLimitIdentityTest, ApiKeysHaveTheirOwnBudgets) {
  ASSERT_TRUE(start("[{name: per_key, key: api_key, limit: 2, window: 1h}]"));
  for (const std::string key : {"k_live_bob", "k_live_carol"}) {
    EXPECT_EQ(get("/x", {{"X-Api-Key", key}}).status, 200) << key;
    EXPECT_EQ(get("/x", {{"X-Api-Key", key}}).status, 200) << key;
    EXPECT_EQ(get("/x", {{"X-Api-Key", key}}).status, 429) << key;
  }
  // Counted under the key's digest (`printf %s k_live_bob | sha256sum`), so
  // the admin API never shows the key itself.
  EXPECT_EQ(remaining("per_key", "key:db4c6e7a04e3ea32a9c198fc4726b4cf"), 0);
  const std::string stats = admin_get("/admin/stats").body;
  EXPECT_NE(stats.find("key:db4c6e7a04e3ea32a9c198fc4726b4cf"), std::string::npos) << stats;
  EXPECT_EQ(stats.find("k_live_"), std::string::npos) << stats;
  // No key: the IP's budget, untouched so far.
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(get("/x").status, 429);
  // A key with a space is no key: it counts against the (spent) IP budget.
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live bob"}}).status, 429);
}

TEST_F(RateLimitIdentityTest, ApiKeyUsersAndJwtSubjectsShareAUserBudget) {
  // `key: user`: an API key counts as the user it maps to.
  ASSERT_TRUE(start("[{name: per_user, key: user, limit: 3, window: 1h}]"));
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live_bob"}}).status, 200);
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live_bob"}}).status, 200);
  EXPECT_EQ(get("/x", bearer(token_for("bob"))).status, 200);  // the same user "bob"
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live_bob"}}).status, 429);
  EXPECT_EQ(get("/x", bearer(token_for("bob"))).status, 429);
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live_carol"}}).status, 200);
  // An unknown key names no user: the IP's budget.
  EXPECT_EQ(get("/x", {{"X-Api-Key", "k_live_nobody"}}).status, 200);
  EXPECT_EQ(remaining("per_user", "ip:127.0.0.1"), 2);
  EXPECT_EQ(remaining("per_user", "user:bob"), 0);
}

TEST_F(RateLimitIdentityTest, AnIdentityOrHeaderValueCannotSpendAnotherSourcesBudget) {
  config_.routes = {
      R"({match: {prefix: "/u"}, upstream: api, rate_limit: [{name: per_user, key: user, limit: 2, window: 1h}]})",
      R"({match: {prefix: "/t"}, upstream: api, rate_limit: [{name: per_tenant, key: "header:X-Tenant", limit: 2, window: 1h}]})",
      R"({match: {prefix: "/p"}, upstream: api, rate_limit: [{name: per_pair, key: ["header:X-A", "header:X-B"], limit: 1, window: 1h}]})",
  };
  write_config_file(config_.render() +
                    fmt::format("identity:\n  jwt: {{hs256_secret: \"{}\"}}\n", kSecret));
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());

  // Anonymous requests from 127.0.0.1 spend the "ip:127.0.0.1" budgets...
  for (const std::string path : {"/u", "/t"}) {
    EXPECT_EQ(get(path).status, 200);
    EXPECT_EQ(get(path).status, 200);
    EXPECT_EQ(get(path).status, 429) << path;
  }
  // ...which a subject or a header value spelled the same cannot reach: each has its own.
  EXPECT_EQ(get("/u", bearer(token_for("ip:127.0.0.1"))).status, 200);
  EXPECT_EQ(get("/t", {{"X-Tenant", "ip:127.0.0.1"}}).status, 200);
  EXPECT_EQ(remaining("per_user", "user:ip:127.0.0.1"), 1);
  EXPECT_EQ(remaining("per_tenant", "header:ip:127.0.0.1"), 1);
  EXPECT_EQ(remaining("per_user", "ip:127.0.0.1"), 0);

  // Nor can values forge the separator between parts: "a|b" + "c" is not "a" + "b|c".
  EXPECT_EQ(get("/p", {{"X-A", "a|b"}, {"X-B", "c"}}).status, 200);
  EXPECT_EQ(get("/p", {{"X-A", "a"}, {"X-B", "b|c"}}).status, 200);
  EXPECT_EQ(get("/p", {{"X-A", "a"}, {"X-B", "b|c"}}).status, 429);
  // '|' in a value is shown as %7C (%257C once more in a query string).
  EXPECT_EQ(remaining("per_pair", "header:a%257Cb|header:c"), 0);
}

TEST_F(RateLimitIdentityTest, CombinedUserAndRouteKey) {
  config_.routes.clear();
  const std::string policies = "[{name: per_user_route, key: [user, route], limit: 1, window: 1h}]";
  config_.routes = {
      R"({name: a, match: {prefix: "/a"}, upstream: api, rate_limit: )" + policies + "}",
      R"({name: b, match: {prefix: "/b"}, upstream: api, rate_limit: )" + policies + "}",
  };
  std::string yaml = config_.render();
  yaml += fmt::format("identity:\n  jwt: {{hs256_secret: \"{}\"}}\n", kSecret);
  write_config_file(yaml);
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());
  const HeaderList alice = bearer(token_for("alice@example"));
  EXPECT_EQ(get("/a", alice).status, 200);
  EXPECT_EQ(get("/a", alice).status, 429);
  EXPECT_EQ(get("/b", alice).status, 200);
  EXPECT_EQ(get("/b", alice).status, 429);
  // The admin key is the parts joined by '|' (%7C).
  auto body = parse_json(
      admin_get("/admin/ratelimit?policy=per_user_route&key=user:alice%40example%7Ca").body);
  ASSERT_TRUE(body);
  const JsonValue* entries = body->get("entries");
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->items.size(), 2u);  // the policy name exists on both routes
  int limited = 0;
  for (const JsonValue& entry : entries->items) {
    limited += flag(&entry, "limited") == "true";
  }
  EXPECT_EQ(limited, 1) << "only route a's count is under key 'user:alice@example|a'";
}

}  // namespace
}  // namespace itest
