// Issue 13, point 5: a banned client's 403 names an incident like the WAF's
// block does. The id is the ban's (the incident recorded when it was
// imposed): the same on every answer while the ban lasts, in the incident
// log and the access log, and, with `threat.shared: redis`, the same on
// every gateway of the fleet, each of which has the incident's line.
#include "redis_server.h"
#include "waf_fixture.h"

namespace itest {
namespace {

constexpr const char* kProber = "203.0.113.77";
constexpr const char* kSpread = "203.0.113.78";

class BanIncidentTest : public GatewayTest {
 protected:
  BanIncidentTest() {
    config_.trusted_proxies = {"127.0.0.1/32"};
    config_.routes = {R"({match: {prefix: "/app/"}, upstream: api})"};
  }

  ::testing::AssertionResult start_with(const std::string& extra_yaml) {
    write_config_file(config_.render() + extra_yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  // Unrouted paths, one point each, until the client is refused.
  static void probe(std::uint16_t port, const std::string& ip, int count) {
    for (int i = 0; i < count; ++i) {
      if (http_get(port, fmt::format("/probe-{}", i), from(ip)).status == 403) return;
    }
  }
};

// The ban's incident id, or "" when `response` is not the ban answer.
std::string ban_incident(const HttpResponse& response) {
  if (!is_gateway_error(response, 403, "FORBIDDEN")) return "";
  auto body = parse_json(response.body);
  if (!body || body->string_at("error.message") != "client temporarily banned") return "";
  if (body->number_at("error.retry_after_s").value_or(0) < 1) return "";
  const std::string id = body->string_at("error.incident_id");
  return id.rfind("inc_", 0) == 0 && id.size() == 30 ? id : "";
}

TEST_F(BanIncidentTest, TheBanAnswerNamesTheIncidentOfTheBan) {
  ASSERT_TRUE(start_with("threat:\n  ban: {score: 10, durations: [1m]}\n"));
  probe(port(), kProber, 12);

  const std::string id = ban_incident(get("/app/ok", from(kProber)));
  ASSERT_FALSE(id.empty()) << get("/app/ok", from(kProber)).body;
  // Every answer of the ban names the same incident, routed or not.
  EXPECT_EQ(ban_incident(get("/not-routed", from(kProber))), id);
  EXPECT_EQ(ban_incident(http_request(port(), "POST", "/app/ok", from(kProber), "{}")), id);

  auto incident = wait_for_incident_in(dir_.file("incidents.log"), id);
  ASSERT_TRUE(incident) << read_file(dir_.file("incidents.log"));
  EXPECT_EQ(incident->string_at("action"), "banned");
  EXPECT_EQ(incident->string_at("client_ip"), kProber);

  auto logged = wait_for_access_log([](const JsonValue& entry) {
    return entry.number_at("status") == 403.0 && entry.string_at("path") == "/not-routed";
  });
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_at("incident_id"), id);
  EXPECT_EQ(logged->string_at("threat"), "banned:ip");

  // A ban lifted and made again is another incident.
  ASSERT_EQ(http_request(admin_port(), "DELETE", std::string("/admin/bans?ip=") + kProber).status,
            200);
  ASSERT_EQ(get("/app/ok", from(kProber)).status, 200);
  probe(port(), kProber, 12);
  const std::string again = ban_incident(get("/app/ok", from(kProber)));
  ASSERT_FALSE(again.empty());
  EXPECT_NE(again, id);
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), again));
}

TEST_F(BanIncidentTest, GatewaysSharingRedisNameTheSameIncident) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.error();
  const std::string extra =
      "redis:\n  url: \"" + redis.url() + "\"\nthreat:\n  ban: {score: 10, durations: [5m]}\n";
  ASSERT_TRUE(start_with(extra));
  ASSERT_TRUE(start_other_gateway(extra));
  const std::uint16_t other = others_[0]->port();
  const std::string other_log = others_[0]->dir.file("incidents.log");

  // Banned by the first gateway: the second names the same incident and
  // logs it too.
  probe(port(), kProber, 12);
  const std::string id = ban_incident(get("/app/ok", from(kProber)));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(eventually(
      [&] { return ban_incident(http_get(other, "/app/ok", from(kProber))) == id; }, 3000ms))
      << http_get(other, "/app/ok", from(kProber)).body;
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), id));
  auto remote = wait_for_incident_in(other_log, id);
  ASSERT_TRUE(remote) << read_file(other_log);
  EXPECT_EQ(remote->string_at("client_ip"), kProber);

  // A ban Redis made from a scan spread over both gateways: one incident,
  // in both logs.
  probe(port(), kSpread, 6);
  probe(other, kSpread, 6);
  std::string spread;
  EXPECT_TRUE(eventually(
      [&] { return !(spread = ban_incident(get("/app/ok", from(kSpread)))).empty(); }, 3000ms));
  EXPECT_TRUE(eventually(
      [&] { return ban_incident(http_get(other, "/app/ok", from(kSpread))) == spread; }, 3000ms));
  EXPECT_TRUE(wait_for_incident_in(dir_.file("incidents.log"), spread));
  EXPECT_TRUE(wait_for_incident_in(other_log, spread));
}

}  // namespace
}  // namespace itest
