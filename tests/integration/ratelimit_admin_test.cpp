// Operating rate limits end to end: GET/DELETE /admin/ratelimit (also behind
// admin.token and across gateways sharing one Redis), the top limited keys in
// /admin/stats, the decision counters in /metrics, and the Redis state in
// /ready.
#include <signal.h>

#include "gateway_fixture.h"
#include "redis_server.h"

namespace itest {
namespace {

// A boolean member as text: "true", "false", or "(missing)" when `object`
// is null or the member is absent or not a boolean.
std::string flag(const JsonValue* object, std::string_view key) {
  const JsonValue* value = object != nullptr ? object->get(key) : nullptr;
  if (value == nullptr || value->kind != JsonValue::Kind::boolean) return "(missing)";
  return value->boolean ? "true" : "false";
}

// The entry of a /admin/ratelimit answer (one route has the policy here).
const JsonValue* first_entry(const JsonValue& state) {
  const JsonValue* entries = state.get("entries");
  if (entries == nullptr || entries->items.empty()) return nullptr;
  return &entries->items.front();
}

class RateLimitAdminTest : public GatewayTest {
 protected:
  // config_ rendered, with `admin_token` under admin: when set, plus
  // top-level sections the fixture does not know.
  std::string render(const std::string& extra_yaml = "") const {
    std::string yaml = config_.render();
    if (!admin_token_.empty()) {
      const std::string listen = fmt::format("  listen: \"127.0.0.1:{}\"\n", config_.admin_port);
      const auto at = yaml.find(listen);
      if (at != std::string::npos) {
        yaml.insert(at + listen.size(), fmt::format("  token: \"{}\"\n", admin_token_));
      }
    }
    return yaml + extra_yaml;
  }

  ::testing::AssertionResult start_with(const std::string& extra_yaml = "") {
    write_config_file(render(extra_yaml));
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  void limit_route(const std::string& policies) {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api, rate_limit: )" + policies + "}"};
  }

  HttpResponse admin(std::string_view method, const std::string& target,
                     const HeaderList& headers = {}) {
    return http_request(admin_port(), method, target, headers);
  }

  // GET /admin/ratelimit parsed; an empty object when the answer is not 200 JSON.
  JsonValue key_state(const std::string& policy, const std::string& key) {
    HttpResponse response = admin("GET", "/admin/ratelimit?policy=" + policy + "&key=" + key);
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("content-type"), "application/json");
    auto parsed = parse_json(response.body);
    EXPECT_TRUE(parsed) << response.body;
    return parsed.value_or(JsonValue{});
  }

  std::string admin_token_;
};

TEST_F(RateLimitAdminTest, GetShowsTheKeyAndDeleteResetsIt) {
  limit_route("[{name: per_ip, key: ip, limit: 3, window: 1h}]");
  ASSERT_TRUE(start_with());

  JsonValue fresh = key_state("per_ip", "127.0.0.1");
  EXPECT_EQ(fresh.string_at("policy"), "per_ip");
  EXPECT_EQ(fresh.string_at("key"), "127.0.0.1");
  ASSERT_EQ(flag(&fresh, "found"), "true") << "policy not found";
  const JsonValue* entry = first_entry(fresh);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->string_at("route"), "/");
  EXPECT_EQ(entry->string_at("algorithm"), "gcra");
  EXPECT_EQ(entry->string_at("store"), "memory");
  EXPECT_EQ(entry->number_at("limit"), 3);
  EXPECT_EQ(entry->number_at("window_s"), 3600);
  EXPECT_EQ(flag(entry, "tracked"), "false");
  EXPECT_EQ(entry->number_at("remaining"), 3);
  EXPECT_EQ(flag(entry, "limited"), "false");

  // Remaining goes down with every admitted request, as the RateLimit field says.
  for (int spent = 1; spent <= 3; ++spent) {
    ASSERT_EQ(get("/x").status, 200);
    JsonValue state = key_state("per_ip", "127.0.0.1");
    entry = first_entry(state);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(flag(entry, "tracked"), "true");
    EXPECT_EQ(entry->number_at("remaining"), 3 - spent) << "after " << spent;
    EXPECT_EQ(flag(entry, "limited"), spent == 3 ? "true" : "false") << "after " << spent;
  }
  HttpResponse refused = get("/x");
  ASSERT_TRUE(is_gateway_error(refused, 429, "RATE_LIMITED"));
  JsonValue limited = key_state("per_ip", "127.0.0.1");
  entry = first_entry(limited);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(flag(entry, "limited"), "true");
  EXPECT_EQ(entry->number_at("remaining"), 0);
  const auto retry_after = entry->number_at("retry_after_s");
  ASSERT_TRUE(retry_after);
  EXPECT_GT(*retry_after, 0);
  EXPECT_LE(*retry_after, 1200);  // one emission interval: 1h / 3
  // The same wait the 429 announced (a second may have ticked over in between).
  const double announced = std::stod(refused.header("retry-after").value_or("-99"));
  EXPECT_NEAR(*retry_after, announced, 1.0);
  // Another key is untouched.
  JsonValue other = key_state("per_ip", "10.9.9.9");
  entry = first_entry(other);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(flag(entry, "tracked"), "false");
  EXPECT_EQ(entry->number_at("remaining"), 3);

  HttpResponse reset = admin("DELETE", "/admin/ratelimit?policy=per_ip&key=127.0.0.1");
  ASSERT_EQ(reset.status, 200) << reset.body;
  auto reset_body = parse_json(reset.body);
  ASSERT_TRUE(reset_body) << reset.body;
  EXPECT_EQ(flag(&*reset_body, "reset"), "true");
  EXPECT_EQ(reset_body->string_at("policy"), "per_ip");
  EXPECT_EQ(reset_body->string_at("key"), "127.0.0.1");
  EXPECT_EQ(reset_body->number_at("cleared"), 1);

  // A full quota again: the next request passes and counts from the top.
  HttpResponse again = get("/x");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.header("ratelimit"), R"("per_ip";r=2;t=1200)");
  JsonValue after_reset = key_state("per_ip", "127.0.0.1");
  entry = first_entry(after_reset);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->number_at("remaining"), 2);
  EXPECT_EQ(flag(entry, "limited"), "false");
}

TEST_F(RateLimitAdminTest, SlidingWindowStateAndUnknownPolicy) {
  limit_route("[{name: per_min, key: ip, limit: 2, window: 1m, algorithm: sliding_window}]");
  ASSERT_TRUE(start_with());
  ASSERT_EQ(get("/x").status, 200);
  ASSERT_EQ(get("/x").status, 200);
  ASSERT_EQ(get("/x").status, 429);
  const JsonValue* entry = nullptr;
  JsonValue state = key_state("per_min", "127.0.0.1");
  entry = first_entry(state);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->string_at("algorithm"), "sliding_window");
  EXPECT_EQ(entry->number_at("remaining"), 0);
  EXPECT_EQ(flag(entry, "limited"), "true");

  JsonValue unknown = key_state("no_such_policy", "127.0.0.1");
  ASSERT_TRUE(unknown.get("found"));
  EXPECT_EQ(flag(&unknown, "found"), "false");
  EXPECT_EQ(first_entry(unknown), nullptr);
}

TEST_F(RateLimitAdminTest, MissingParametersAre400Json) {
  limit_route("[{name: per_ip, key: ip, limit: 3, window: 1h}]");
  ASSERT_TRUE(start_with());
  for (const char* method : {"GET", "DELETE"}) {
    for (const char* target :
         {"/admin/ratelimit", "/admin/ratelimit?policy=per_ip", "/admin/ratelimit?key=127.0.0.1",
          "/admin/ratelimit?policy=&key=127.0.0.1"}) {
      HttpResponse response = admin(method, target);
      EXPECT_EQ(response.status, 400) << method << " " << target;
      EXPECT_EQ(response.header("content-type"), "application/json") << method << " " << target;
      auto body = parse_json(response.body);
      ASSERT_TRUE(body) << response.body;
      EXPECT_EQ(body->number_at("error.status"), 400);
      EXPECT_EQ(body->string_at("error.code"), "BAD_REQUEST");
    }
  }
  HttpResponse post = admin("POST", "/admin/ratelimit?policy=per_ip&key=127.0.0.1");
  EXPECT_EQ(post.status, 405);
}

TEST_F(RateLimitAdminTest, AdminTokenGuardsGetAndDelete) {
  admin_token_ = "admin-secret-0123";
  limit_route("[{name: per_ip, key: ip, limit: 1, window: 1h}]");
  ASSERT_TRUE(start_with());
  ASSERT_EQ(get("/x").status, 200);
  ASSERT_EQ(get("/x").status, 429);
  const std::string target = "/admin/ratelimit?policy=per_ip&key=127.0.0.1";
  const std::vector<HeaderList> refused_credentials = {
      {},
      {{"Authorization", "Bearer wrong-secret-0000"}},
      {{"Authorization", "Bearer admin-secret-012"}},    // a prefix of the token
      {{"Authorization", "Bearer admin-secret-01234"}},  // the token plus one
      {{"Authorization", "Basic admin-secret-0123"}},
      {{"Authorization", "admin-secret-0123"}},
  };
  for (const char* method : {"GET", "DELETE"}) {
    for (const HeaderList& headers : refused_credentials) {
      HttpResponse response = admin(method, target, headers);
      EXPECT_EQ(response.status, 401)
          << method << " with " << (headers.empty() ? "(none)" : headers[0].second);
      auto body = parse_json(response.body);
      ASSERT_TRUE(body) << response.body;
      EXPECT_EQ(body->string_at("error.code"), "UNAUTHORIZED");
    }
  }
  // None of the refused DELETEs reset anything.
  EXPECT_EQ(get("/x").status, 429);

  const HeaderList good = {{"Authorization", "Bearer admin-secret-0123"}};
  HttpResponse shown = admin("GET", target, good);
  ASSERT_EQ(shown.status, 200) << shown.body;
  HttpResponse reset = admin("DELETE", target, good);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(get("/x").status, 200);
  // The stats are guarded too; metrics, health and ready are not.
  EXPECT_EQ(admin("GET", "/admin/stats").status, 401);
  EXPECT_EQ(admin("GET", "/admin/stats", good).status, 200);
  EXPECT_EQ(admin("GET", "/metrics").status, 200);
}

TEST_F(RateLimitAdminTest, StatsListTheLimitedKeys) {
  limit_route("[{name: per_ip, key: ip, limit: 2, window: 1h}]");
  ASSERT_TRUE(start_with());
  {
    auto stats = parse_json(admin("GET", "/admin/stats").body);
    ASSERT_TRUE(stats);
    const JsonValue* top = stats->get("top_limited_keys");
    ASSERT_NE(top, nullptr);
    EXPECT_EQ(top->kind, JsonValue::Kind::array);
    EXPECT_TRUE(top->items.empty());
  }
  int refused = 0;
  for (int i = 0; i < 7; ++i) refused += get("/x").status == 429;
  ASSERT_EQ(refused, 5);
  auto stats = parse_json(admin("GET", "/admin/stats").body);
  ASSERT_TRUE(stats);
  const JsonValue* top = stats->get("top_limited_keys");
  ASSERT_NE(top, nullptr);
  ASSERT_EQ(top->items.size(), 1u);
  const JsonValue& first = top->items[0];
  EXPECT_EQ(first.string_at("route"), "/");
  EXPECT_EQ(first.string_at("policy"), "per_ip");
  EXPECT_EQ(first.string_at("key"), "127.0.0.1");
  EXPECT_EQ(first.number_at("limited"), 5);
}

TEST_F(RateLimitAdminTest, DecisionCountersMatchWhatClientsSaw) {
  config_.routes = {
      R"({name: reads, match: {prefix: "/r/"}, upstream: api, rate_limit: [)"
      R"({name: burst, key: ip, limit: 4, window: 1h}, {name: quota, key: ip, limit: 6, window: 1d}]})",
      R"({name: writes, match: {prefix: "/w/"}, upstream: api, rate_limit: )"
      R"({name: burst, key: ip, limit: 2, window: 1h}})",
  };
  ASSERT_TRUE(start_with());
  std::map<std::string, std::map<int, int>> seen;
  for (int i = 0; i < 9; ++i) ++seen["reads"][get("/r/x").status];
  for (int i = 0; i < 5; ++i) ++seen["writes"][get("/w/x").status];
  EXPECT_EQ(seen["reads"][200], 4);
  EXPECT_EQ(seen["reads"][429], 5);
  EXPECT_EQ(seen["writes"][200], 2);
  EXPECT_EQ(seen["writes"][429], 3);

  const std::string text = metrics_text();
  auto count = [&](const std::string& route, const std::string& policy,
                   const std::string& decision) {
    return metric_value(text, "centinela_ratelimit_decisions_total",
                        {{"route", route}, {"policy", policy}, {"decision", decision}})
        .value_or(-1);
  };
  // burst refused the 5 extra reads; quota was asked only for the 4 admitted.
  EXPECT_EQ(count("reads", "burst", "allowed"), 4);
  EXPECT_EQ(count("reads", "burst", "limited"), 5);
  EXPECT_EQ(count("reads", "quota", "allowed"), 4);
  EXPECT_EQ(count("reads", "quota", "limited"), 0);
  EXPECT_EQ(count("writes", "burst", "allowed"), 2);
  EXPECT_EQ(count("writes", "burst", "limited"), 3);
  // The same counts in the request totals.
  EXPECT_EQ(metric_value(text, "centinela_requests_total", {{"route", "reads"}, {"code", "429"}}),
            5);
  EXPECT_EQ(metric_value(text, "centinela_requests_total", {{"route", "writes"}, {"code", "200"}}),
            2);
  EXPECT_NE(text.find("# TYPE centinela_ratelimit_decisions_total counter"), std::string::npos);
}

// --- Shared Redis ----------------------------------------------------------

class SharedRateLimitAdminTest : public RateLimitAdminTest {
 protected:
  // The fixture's gateway plus `count - 1` more with the same routes.
  ::testing::AssertionResult start_instances(int count, const std::string& extra_yaml) {
    auto started = start_with(extra_yaml);
    for (int i = 1; i < count && started; ++i) started = start_other_gateway(extra_yaml);
    return started;
  }
};

TEST_F(SharedRateLimitAdminTest, DeleteOnOneGatewayResetsTheKeyForAll) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: ip, limit: 3, window: 1h}]");
  ASSERT_TRUE(start_instances(2, "redis:\n  url: \"" + redis.url() + "\"\n"));
  const std::uint16_t other_port = others_[0]->port();
  const std::uint16_t other_admin = others_[0]->admin_port();

  // 3 admitted between the two, then both refuse.
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(http_get(other_port, "/x").status, 200);
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(http_get(other_port, "/x").status, 429);
  EXPECT_EQ(get("/x").status, 429);

  JsonValue state = key_state("shared", "127.0.0.1");
  const JsonValue* entry = first_entry(state);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->string_at("store"), "redis");

  // Reset through the second gateway's admin API.
  HttpResponse reset =
      http_request(other_admin, "DELETE", "/admin/ratelimit?policy=shared&key=127.0.0.1");
  ASSERT_EQ(reset.status, 200) << reset.body;
  auto body = parse_json(reset.body);
  ASSERT_TRUE(body) << reset.body;
  EXPECT_GE(body->number_at("cleared").value_or(0), 1);

  // Both gateways see a full quota again: 3 more in total, shared.
  int admitted = 0;
  for (int i = 0; i < 6; ++i) {
    admitted += (i % 2 ? http_get(other_port, "/x") : get("/x")).status == 200;
  }
  EXPECT_EQ(admitted, 3);
}

// An operator asking why a client gets 429s must see the count that refuses
// it: with the Redis store that is the shared one, spent through any gateway.
TEST_F(SharedRateLimitAdminTest, GetShowsTheSharedStateOfARedisKey) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: ip, limit: 3, window: 1h}]");
  ASSERT_TRUE(start_instances(2, "redis:\n  url: \"" + redis.url() + "\"\n"));
  const std::uint16_t other_port = others_[0]->port();
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_EQ(http_get(other_port, "/x").status, 200);
  HttpResponse last = get("/x");
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.header("ratelimit"), R"("shared";r=0;t=3600)");
  EXPECT_EQ(get("/x").status, 429);

  JsonValue state = key_state("shared", "127.0.0.1");
  const JsonValue* entry = first_entry(state);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->string_at("store"), "redis");
  EXPECT_EQ(flag(entry, "tracked"), "true") << state.string_at("key");
  EXPECT_EQ(entry->number_at("remaining"), 0);
  EXPECT_EQ(flag(entry, "limited"), "true");
}

TEST_F(SharedRateLimitAdminTest, ReadyShowsRedisStateAndStaysReadyWithoutIt) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: p, key: ip, limit: 100, window: 1h}]");
  ASSERT_TRUE(start_with("redis:\n  url: \"" + redis.url() + "\"\n"));

  auto redis_state = [&](int* status = nullptr) {
    HttpResponse ready = admin_get("/ready");
    if (status) *status = ready.status;
    auto body = parse_json(ready.body);
    return body ? body->string_at("redis", "(not a string)") : "(not JSON: " + ready.body + ")";
  };
  EXPECT_TRUE(eventually([&] { return redis_state() == "connected"; }, 5000ms, 50ms))
      << redis_state();
  EXPECT_EQ(get("/x").status, 200);  // also opens the workers' connections
  EXPECT_TRUE(eventually([&] { return metric("centinela_redis_connected") == 1.0; }, 5000ms, 50ms));
  EXPECT_GE(metric("centinela_redis_commands_total", {{"result", "ok"}}).value_or(0), 1);

  redis.stop();
  EXPECT_TRUE(eventually([&] { return redis_state() == "disconnected"; }, 5000ms, 50ms))
      << redis_state();
  int status = 0;
  EXPECT_EQ(redis_state(&status), "disconnected");
  EXPECT_EQ(status, 200) << "Redis down must not make the gateway unready";
  // Requests still pass (on_store_error: allow), and the metrics say why.
  EXPECT_EQ(get("/x").status, 200);
  EXPECT_TRUE(eventually([&] { return metric("centinela_redis_connected") == 0.0; }, 5000ms, 50ms));
  EXPECT_GE(metric("centinela_ratelimit_store_errors_total", {{"route", "/"}}).value_or(0), 1);

  ASSERT_TRUE(redis.start());
  EXPECT_TRUE(eventually([&] { return redis_state() == "connected"; }, 10000ms, 100ms))
      << redis_state();
}

// A reload that points `redis.url` elsewhere moves everything to the new
// Redis: the workers' decisions and the admin API's view and resets alike.
TEST_F(RateLimitAdminTest, ReloadToAnotherRedisMovesDecisionsAndAdminTogether) {
  RedisServer first;
  RedisServer second;
  ASSERT_TRUE(first.running()) << first.error();
  ASSERT_TRUE(second.running()) << second.error();
  limit_route("[{name: shared, key: ip, limit: 3, window: 1h, store: redis}]");
  ASSERT_TRUE(start_with("redis:\n  url: \"" + first.url() + "\"\n"));
  EXPECT_EQ(get("/x").header("ratelimit"), R"("shared";r=2;t=1200)");
  EXPECT_EQ(get("/x").header("ratelimit"), R"("shared";r=1;t=2400)");

  const double reloads =
      metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0);
  write_config_file(render("redis:\n  url: \"" + second.url() + "\"\n"));
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] {
        return metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0) >
               reloads;
      },
      3s));

  // The second Redis has never seen the key: a fresh count.
  EXPECT_TRUE(eventually([&] { return get("/x").header("ratelimit") == R"("shared";r=2;t=1200)"; },
                         5s, 50ms));
  JsonValue state = key_state("shared", "127.0.0.1");
  const JsonValue* entry = first_entry(state);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->string_at("store"), "redis");
  EXPECT_EQ(entry->number_at("remaining"), 2) << "the admin API still reads the old Redis";
  HttpResponse reset = admin("DELETE", "/admin/ratelimit?policy=shared&key=127.0.0.1");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(get("/x").header("ratelimit"), R"("shared";r=2;t=1200)");
}

TEST_F(RateLimitAdminTest, ReadyWithoutRedisSaysNotConfigured) {
  limit_route("[{name: p, key: ip, limit: 100, window: 1h}]");
  ASSERT_TRUE(start_with());
  HttpResponse ready = admin_get("/ready");
  ASSERT_EQ(ready.status, 200);
  auto body = parse_json(ready.body);
  ASSERT_TRUE(body) << ready.body;
  EXPECT_EQ(body->string_at("redis"), "not_configured");
}

}  // namespace
}  // namespace itest
