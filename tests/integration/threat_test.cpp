// Threat scores and bans end to end: a client probing paths is banned and
// refused (403 with Retry-After) on every route and on unrouted paths while
// others are served; operators list, lift and set bans through the admin API;
// metrics and the access log show them; allowlisted clients are never
// banned; risk-adaptive rate limits; and two gateways sharing a real
// redis-server see each other's bans. A ban's 403 names the ban's incident
// (issue 13, point 5): the same on every answer and every gateway of the
// fleet, each of which logs it. Clients are told apart by
// X-Forwarded-For from the trusted loopback peer.
#include "redis_server.h"
#include "waf_fixture.h"

namespace itest {
namespace {

constexpr const char* kScanner = "203.0.113.5";
constexpr const char* kOther = "203.0.113.6";

class ThreatTest : public GatewayTest {
 protected:
  ThreatTest() {
    config_.trusted_proxies = {"127.0.0.1/32"};
    config_.routes = {R"({match: {prefix: "/app/"}, upstream: api})"};
  }

  ::testing::AssertionResult start_with(const std::string& extra_yaml) {
    write_config_file(config_.render() + extra_yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  // `count` requests for paths no route serves: one point each.
  void probe(std::uint16_t port, const std::string& ip, int count) {
    for (int i = 0; i < count; ++i) {
      HttpResponse response = http_get(port, fmt::format("/probe-{}", i), from(ip));
      if (response.status == 403) return;  // banned meanwhile
      EXPECT_EQ(response.status, 404) << response.error;
    }
  }

  // Bans at 10 points for 5 minutes, shared through `redis`.
  static std::string fleet_yaml(const RedisServer& redis) {
    return "redis:\n  url: \"" + redis.url() + "\"\nthreat:\n  ban: {score: 10, durations: [5m]}\n";
  }

  // This gateway and one other (others_[0]) sharing `redis`.
  ::testing::AssertionResult start_fleet(const RedisServer& redis) {
    if (!redis.running()) return ::testing::AssertionFailure() << redis.error();
    if (auto started = start_with(fleet_yaml(redis)); !started) return started;
    return start_other_gateway(fleet_yaml(redis));
  }

  HttpResponse admin(std::string_view method, const std::string& target,
                     const std::string& body = {}) {
    HeaderList headers;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_request(admin_port(), method, target, headers, body);
  }
};

::testing::AssertionResult is_ban(const HttpResponse& response, int max_seconds) {
  if (auto error = is_gateway_error(response, 403, "FORBIDDEN"); !error) return error;
  auto body = parse_json(response.body);
  if (!body || body->string_at("error.message") != "client temporarily banned") {
    return ::testing::AssertionFailure() << "not a ban: " << response.body;
  }
  const auto retry = response.header("retry-after");
  if (!retry || std::stoi(*retry) < 1 || std::stoi(*retry) > max_seconds) {
    return ::testing::AssertionFailure() << "Retry-After: " << retry.value_or("(none)");
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ThreatTest, AScannerIsBannedEverywhereWhileOthersAreServed) {
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 10, durations: [1m, 10m]}\n"));
  ASSERT_EQ(get("/app/ok", from(kScanner)).status, 200);
  probe(port(), kScanner, 12);

  const std::size_t before = origin_.request_count("/app/ok");
  EXPECT_TRUE(is_ban(get("/app/ok", from(kScanner)), 60));
  EXPECT_TRUE(is_ban(get("/not-routed", from(kScanner)), 60));
  EXPECT_TRUE(is_ban(http_request(port(), "POST", "/app/ok", from(kScanner), "{}"), 60));
  EXPECT_EQ(origin_.request_count("/app/ok"), before);  // nothing reached the origin
  EXPECT_EQ(get("/app/ok", from(kOther)).status, 200);
  EXPECT_EQ(get("/app/ok").status, 200);  // the proxy itself, 127.0.0.1

  auto logged = wait_for_access_log([](const JsonValue& entry) {
    return entry.number_at("status") == 403.0 && entry.string_at("path") == "/not-routed";
  });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("threat"), "banned:ip");
  EXPECT_EQ(logged->string_at("client_ip"), kScanner);

  EXPECT_EQ(metric("centinela_threat_bans_active"), 1);
  EXPECT_EQ(metric("centinela_threat_bans_total", {{"kind", "ip"}, {"level", "1"}}), 1);
  EXPECT_GE(metric("centinela_threat_signals_total", {{"signal", "not_found"}}).value_or(0), 10);
  EXPECT_GE(metric("centinela_threat_clients").value_or(0), 1);
}

TEST_F(ThreatTest, RoutedResponsesAndScannerFingerprintsCount) {
  origin_.reply("/app/missing", OriginReply::json(404, R"({"error":"no"})"));
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 5}\n  points: {scanner: 5}\n"));
  // Scores decay between requests: a little more than 5 points.
  for (int i = 0; i < 6; ++i) {
    HttpResponse response = get("/app/missing", from(kScanner));
    if (response.status == 403) break;
    ASSERT_EQ(response.status, 404);
  }
  EXPECT_TRUE(is_ban(get("/app/ok", from(kScanner)), 60));
  // A scanner's User-Agent alone: refused on the request that crossed the line.
  HttpResponse scan = get("/app/ok", {{"X-Forwarded-For", kOther}, {"User-Agent", "sqlmap/1.7"}});
  EXPECT_TRUE(is_ban(scan, 60));
  EXPECT_EQ(get("/app/ok", from("203.0.113.7")).status, 200);
}

TEST_F(ThreatTest, OperatorsListLiftAndSetBans) {
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 10}\n"));
  probe(port(), kScanner, 12);
  ASSERT_TRUE(is_ban(get("/app/ok", from(kScanner)), 60));

  HttpResponse list = admin("GET", "/admin/bans");
  ASSERT_EQ(list.status, 200) << list.body;
  auto bans = parse_json(list.body);
  ASSERT_TRUE(bans);
  EXPECT_EQ(bans->number_at("count"), 1);
  const JsonValue* entries = bans->get("bans");
  ASSERT_TRUE(entries && entries->items.size() == 1) << list.body;
  EXPECT_EQ(entries->items[0].string_at("kind"), "ip");
  EXPECT_EQ(entries->items[0].string_at("client"), kScanner);
  EXPECT_EQ(entries->items[0].number_at("level"), 1);

  HttpResponse top = admin("GET", "/admin/threat/top?limit=5");
  ASSERT_EQ(top.status, 200);
  EXPECT_NE(top.body.find(kScanner), std::string::npos) << top.body;

  HttpResponse lifted = admin("DELETE", std::string("/admin/bans?ip=") + kScanner);
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_NE(lifted.body.find(R"("lifted":true)"), std::string::npos) << lifted.body;
  EXPECT_EQ(get("/app/ok", from(kScanner)).status, 200);
  EXPECT_EQ(metric("centinela_threat_bans_active"), 0);

  HttpResponse set = admin("POST", "/admin/bans", R"({"ip":"198.51.100.9","duration":"10m"})");
  ASSERT_EQ(set.status, 200) << set.body;
  HttpResponse refused = get("/app/ok", from("198.51.100.9"));
  EXPECT_TRUE(is_ban(refused, 600));
  EXPECT_GT(std::stoi(refused.header("retry-after").value_or("0")), 590);

  EXPECT_EQ(admin("POST", "/admin/bans", R"({"ip":"not-an-ip"})").status, 400);
  EXPECT_EQ(admin("POST", "/admin/bans", R"({"ip":"198.51.100.9","duration":"soon"})").status, 400);
  EXPECT_EQ(admin("DELETE", "/admin/bans").status, 400);
  EXPECT_EQ(admin("GET", "/admin/threat/top?limit=0").status, 400);
}

TEST_F(ThreatTest, AllowlistedClientsAreNeverBanned) {
  ASSERT_TRUE(
      start_with("rate_limit:\n  allowlist: [\"203.0.113.0/28\"]\nthreat:\n  ban: {score: 5}\n"));
  probe(port(), kScanner, 20);
  EXPECT_EQ(get("/app/ok", from(kScanner)).status, 200);
  probe(port(), "203.0.113.200", 7);
  EXPECT_TRUE(is_ban(get("/app/ok", from("203.0.113.200")), 60));
}

TEST_F(ThreatTest, AdaptiveLimitsTightenForSuspectClients) {
  config_.routes = {
      R"({match: {prefix: "/app/"}, upstream: api, rate_limit: [{name: p, limit: 100,)"
      R"( window: 1m, adaptive: {score: 4, factor: 0.02}}]})"};
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 1000}\n"));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(get("/app/ok", from(kOther)).status, 200);
  probe(port(), kScanner, 5);
  // Above the score the policy admits 100 × 0.02 = 2.
  EXPECT_EQ(get("/app/ok", from(kScanner)).status, 200);
  EXPECT_EQ(get("/app/ok", from(kScanner)).status, 200);
  EXPECT_TRUE(is_gateway_error(get("/app/ok", from(kScanner)), 429, "RATE_LIMITED"));
  EXPECT_EQ(get("/app/ok", from(kOther)).status, 200);
}

TEST_F(ThreatTest, GatewaysSharingRedisSeeEachOthersBans) {
  RedisServer redis;
  ASSERT_TRUE(start_fleet(redis));
  const std::uint16_t other = others_[0]->port();
  const std::uint16_t other_admin = others_[0]->admin_port();

  // Banned by the first gateway: the second refuses it too.
  probe(port(), kScanner, 12);
  ASSERT_TRUE(is_ban(get("/app/ok", from(kScanner)), 300));
  EXPECT_TRUE(
      eventually([&] { return http_get(other, "/app/ok", from(kScanner)).status == 403; }, 3000ms));
  EXPECT_TRUE(is_ban(http_get(other, "/app/ok", from(kScanner)), 300));

  // Lifted through the second gateway's admin API: both serve it again.
  ASSERT_EQ(http_request(other_admin, "DELETE", std::string("/admin/bans?ip=") + kScanner).status,
            200);
  EXPECT_TRUE(eventually([&] { return get("/app/ok", from(kScanner)).status == 200; }, 3000ms));
  EXPECT_EQ(http_get(other, "/app/ok", from(kScanner)).status, 200);

  // A scan spread over both gateways adds up in Redis: 5 + 5 points.
  probe(port(), kOther, 6);
  probe(other, kOther, 6);
  EXPECT_TRUE(eventually([&] { return get("/app/ok", from(kOther)).status == 403; }, 3000ms));
  EXPECT_TRUE(
      eventually([&] { return http_get(other, "/app/ok", from(kOther)).status == 403; }, 3000ms));

  // A gateway started later loads the bans already in force.
  ASSERT_TRUE(start_other_gateway(fleet_yaml(redis)));
  const std::uint16_t late = others_[1]->port();
  EXPECT_TRUE(
      eventually([&] { return http_get(late, "/app/ok", from(kOther)).status == 403; }, 3000ms));
}

TEST_F(ThreatTest, RedisDownKeepsBanningInProcess) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  ASSERT_TRUE(start_with("redis:\n  url: \"" + redis.url() + "\"\nthreat:\n  ban: {score: 10}\n"));
  redis.stop();
  probe(port(), kScanner, 12);
  EXPECT_TRUE(is_ban(get("/app/ok", from(kScanner)), 60));
  EXPECT_EQ(get("/app/ok", from(kOther)).status, 200);
}

// Issue 13, point 5: a banned client's 403 names an incident like a WAF block.
// The ban's incident id, or "" when `response` is not the ban answer.
std::string ban_incident(const HttpResponse& response) {
  if (!is_gateway_error(response, 403, "FORBIDDEN")) return "";
  auto body = parse_json(response.body);
  if (!body || body->string_at("error.message") != "client temporarily banned") return "";
  if (body->number_at("error.retry_after_s").value_or(0) < 1) return "";
  const std::string id = body->string_at("error.incident_id");
  return id.rfind("inc_", 0) == 0 && id.size() == 30 ? id : "";
}

// An operator's ban answers with the incident its 403s will name, and the
// incident log has it.
TEST_F(ThreatTest, AnOperatorsBanNamesItsIncident) {
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 10}\n"));
  HttpResponse set = admin("POST", "/admin/bans", R"({"ip":"198.51.100.9","duration":"10m"})");
  ASSERT_EQ(set.status, 200) << set.body;
  auto answer = parse_json(set.body);
  ASSERT_TRUE(answer) << set.body;
  const std::string id = answer->string_at("incident_id");
  EXPECT_EQ(ban_incident(get("/app/ok", from("198.51.100.9"))), id) << set.body;
  auto incident = wait_for_incident_in(dir_.file("incidents.log"), id);
  ASSERT_TRUE(incident) << read_file(dir_.file("incidents.log"));
  EXPECT_EQ(incident->string_at("action"), "banned");
  EXPECT_EQ(incident->string_at("ban.signal"), "manual");
}

TEST_F(ThreatTest, TheBanAnswerNamesTheIncidentOfTheBan) {
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 10, durations: [1m]}\n"));
  probe(port(), kScanner, 12);

  const std::string id = ban_incident(get("/app/ok", from(kScanner)));
  ASSERT_FALSE(id.empty()) << get("/app/ok", from(kScanner)).body;
  // Every answer of the ban names the same incident, routed or not.
  EXPECT_EQ(ban_incident(get("/not-routed", from(kScanner))), id);
  EXPECT_EQ(ban_incident(http_request(port(), "POST", "/app/ok", from(kScanner), "{}")), id);

  auto incident = wait_for_incident_in(dir_.file("incidents.log"), id);
  ASSERT_TRUE(incident) << read_file(dir_.file("incidents.log"));
  EXPECT_EQ(incident->string_at("action"), "banned");
  EXPECT_EQ(incident->string_at("client_ip"), kScanner);
  EXPECT_EQ(incident->string_at("ban.signal"), "not_found");

  auto logged = wait_for_access_log([](const JsonValue& entry) {
    return entry.number_at("status") == 403.0 && entry.string_at("path") == "/not-routed";
  });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("incident_id"), id);
  EXPECT_EQ(logged->string_at("threat"), "banned:ip");

  // A ban lifted and made again is another incident.
  ASSERT_EQ(http_request(admin_port(), "DELETE", std::string("/admin/bans?ip=") + kScanner).status,
            200);
  ASSERT_EQ(get("/app/ok", from(kScanner)).status, 200);
  probe(port(), kScanner, 12);
  const std::string again = ban_incident(get("/app/ok", from(kScanner)));
  ASSERT_FALSE(again.empty());
  EXPECT_NE(again, id);
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), again));
}

TEST_F(ThreatTest, GatewaysSharingRedisNameTheSameIncident) {
  RedisServer redis;
  ASSERT_TRUE(start_fleet(redis));
  const std::uint16_t other = others_[0]->port();
  const std::string other_log = others_[0]->dir.file("incidents.log");

  // Banned by the first gateway: the second names the same incident and
  // logs it too.
  probe(port(), kScanner, 12);
  const std::string id = ban_incident(get("/app/ok", from(kScanner)));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(eventually(
      [&] { return ban_incident(http_get(other, "/app/ok", from(kScanner))) == id; }, 3000ms))
      << http_get(other, "/app/ok", from(kScanner)).body;
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), id));
  auto remote = wait_for_incident_in(other_log, id);
  ASSERT_TRUE(remote) << read_file(other_log);
  EXPECT_EQ(remote->string_at("client_ip"), kScanner);
  EXPECT_EQ(remote->string_at("ban.signal"), "fleet");

  // A ban Redis made from a scan spread over both gateways: one incident,
  // in both logs.
  probe(port(), kOther, 6);
  probe(other, kOther, 6);
  std::string spread;
  EXPECT_TRUE(eventually(
      [&] { return !(spread = ban_incident(get("/app/ok", from(kOther)))).empty(); }, 3000ms));
  EXPECT_TRUE(eventually(
      [&] { return ban_incident(http_get(other, "/app/ok", from(kOther))) == spread; }, 3000ms));
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), spread));
  EXPECT_TRUE(wait_for_incident_in(other_log, spread));
}

}  // namespace
}  // namespace itest
