// The origin's Server-Timing through the gateway (issue 15, point 3), against
// a real origin in Python (server_timing_origin.py): who sees the field per
// route mode (a loopback client, and a remote one behind a trusted proxy),
// the gateway's own metrics, the bounded histograms on /metrics, the access
// log's origin_timing, stored responses, a trailer, hostile values, check -T.
#include <set>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

constexpr const char* kOriginScript =
    CENTINELA_SOURCE_DIR "/tests/integration/server_timing_origin.py";
constexpr const char* kPython = "/usr/bin/python3";
// What a remote client looks like to the gateway: a trusted proxy on
// loopback forwarding for it.
const HeaderList kRemoteClient = {{"X-Forwarded-For", "203.0.113.7"}};

class ServerTimingTest : public GatewayTest {
 protected:
  ServerTimingTest() {
    config_.upstreams["timed"] = upstream_yaml({"127.0.0.1:" + std::to_string(timed_port_.port())});
    config_.trusted_proxies = {"127.0.0.1/32"};
    config_.access_log_path = dir_.file("access.log");
    config_.routes = {R"({name: loop, match: {prefix: "/loop/"}, upstream: timed})",
                      R"({name: passed, match: {prefix: "/pass/"}, upstream: timed,)"
                      R"( server_timing: {origin: pass, add: true}})",
                      R"({name: stripped, match: {prefix: "/strip/"}, upstream: timed,)"
                      R"( server_timing: {origin: strip}})",
                      R"({name: cached, match: {prefix: "/cached/"}, upstream: timed, cache: {},)"
                      R"( server_timing: {origin: pass, add: true}})",
                      R"({name: api, match: {prefix: "/"}, upstream: api})"};
  }

  void SetUp() override {
    const std::string out = dir_.file("timed_origin.out");
    const std::string err = dir_.file("timed_origin.err");
    timed_origin_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kPython, kOriginScript, std::to_string(timed_port_.port())}, out,
        err);
    ASSERT_TRUE(timed_origin_->started()) << timed_origin_->error();
    ASSERT_TRUE(eventually([&] { return read_file(out).find("ready") != std::string::npos; }, 20s))
        << "the Server-Timing origin did not start: " << read_file(err);
  }

  std::vector<std::string> server_timing(const HttpResponse& response) {
    return find_headers(response.headers, "Server-Timing");
  }

  std::optional<JsonValue> log_entry(const HttpResponse& response) {
    const std::string id = response.header("x-request-id").value_or("(none)");
    return wait_for_access_log([&](const JsonValue& e) { return e.string_at("request_id") == id; });
  }

  // The `metric` labels of `route`'s centinela_origin_timing_seconds series.
  std::set<std::string> metric_labels(const std::string& route) {
    std::set<std::string> labels;
    for (const MetricSample& sample :
         find_samples(parse_metrics(metrics_text()), "centinela_origin_timing_seconds_count",
                      {{"route", route}})) {
      labels.insert(sample.labels.at("metric"));
    }
    return labels;
  }

  double observed(const std::string& route, const std::string& metric) {
    return this
        ->metric("centinela_origin_timing_seconds_count", {{"route", route}, {"metric", metric}})
        .value_or(0);
  }

  ReservedPort timed_port_;
  std::unique_ptr<ChildProcess> timed_origin_;
};

TEST_F(ServerTimingTest, ByDefaultOnlyLoopbackClientsSeeTheOriginsTimings) {
  ASSERT_TRUE(start_gateway());
  const HttpResponse local = get("/loop/timed");
  ASSERT_EQ(local.status, 200) << local.error;
  EXPECT_EQ(server_timing(local),
            (std::vector<std::string>{R"(db;dur=12.3;desc="3 queries")", "app;dur=4.5, db;dur=7.7",
                                      "cache;desc=miss"}));

  const HttpResponse remote = get("/loop/timed", kRemoteClient);
  ASSERT_EQ(remote.status, 200) << remote.error;
  EXPECT_TRUE(server_timing(remote).empty());
  for (const auto& [name, value] : remote.headers) {
    EXPECT_EQ(to_lower(value).find("dur="), std::string::npos) << name << ": " << value;
  }
}

TEST_F(ServerTimingTest, StripAndPassDecidePerRouteWithTheGatewaysOwnAdded) {
  ASSERT_TRUE(start_gateway());
  const HttpResponse stripped = get("/strip/timed");
  ASSERT_EQ(stripped.status, 200) << stripped.error;
  EXPECT_TRUE(server_timing(stripped).empty());

  const HttpResponse passed = get("/pass/timed", kRemoteClient);
  ASSERT_EQ(passed.status, 200) << passed.error;
  const auto lines = server_timing(passed);
  ASSERT_EQ(lines.size(), 4u) << passed.error;
  EXPECT_EQ(lines[0], R"(db;dur=12.3;desc="3 queries")");
  EXPECT_TRUE(lines[3].starts_with("gw;dur=")) << lines[3];
  EXPECT_NE(lines[3].find(", upstream;dur="), std::string::npos) << lines[3];
}

TEST_F(ServerTimingTest, HistogramsAndTheAccessLogHoldTheOriginsDurations) {
  ASSERT_TRUE(start_gateway());
  const HttpResponse response = get("/loop/timed", kRemoteClient);
  ASSERT_EQ(response.status, 200) << response.error;
  auto entry = log_entry(response);
  ASSERT_TRUE(entry) << access_log_text();
  // db's two durations add up; `cache` had none.
  EXPECT_EQ(entry->number_at("origin_timing.db"), 20.0) << access_log_text();
  EXPECT_EQ(entry->number_at("origin_timing.app"), 4.5);
  EXPECT_EQ(entry->get("origin_timing")->members.size(), 2u);
  EXPECT_EQ(observed("loop", "db"), 1);
  EXPECT_NEAR(metric("centinela_origin_timing_seconds_sum", {{"route", "loop"}, {"metric", "db"}})
                  .value_or(0),
              0.020, 1e-9);
  EXPECT_EQ(metric_labels("loop"), (std::set<std::string>{"app", "db"}));

  const HttpResponse plain = get("/loop/plain");
  ASSERT_EQ(plain.status, 200) << plain.error;
  auto none = log_entry(plain);
  ASSERT_TRUE(none) << access_log_text();
  EXPECT_EQ(none->get("origin_timing"), nullptr) << access_log_text();
}

TEST_F(ServerTimingTest, RandomNamesGetAtMostEightLabelsPerRoute) {
  ASSERT_TRUE(start_gateway());
  for (int i = 0; i < 40; ++i) {
    const HttpResponse response = get("/loop/random");
    ASSERT_EQ(response.status, 200) << response.error;
  }
  const auto labels = metric_labels("loop");
  EXPECT_EQ(labels.size(), 9u);
  EXPECT_TRUE(labels.contains("other"));
  double total = 0;
  for (const std::string& label : labels) total += observed("loop", label);
  EXPECT_EQ(total, 40);
}

TEST_F(ServerTimingTest, HostileValuesAreBoundedAndTheGatewayKeepsServing) {
  ASSERT_TRUE(start_gateway());
  for (int i = 0; i < 5; ++i) {
    const HttpResponse response = get("/loop/hostile");
    ASSERT_EQ(response.status, 200) << response.error;
    auto entry = log_entry(response);
    ASSERT_TRUE(entry) << access_log_text();
    const JsonValue* timings = entry->get("origin_timing");
    ASSERT_NE(timings, nullptr);
    EXPECT_EQ(timings->members.size(), 16u);
  }
  EXPECT_LE(metric_labels("loop").size(), 9u);
  const HttpResponse response = get("/strip/hostile");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(server_timing(response).empty());
  EXPECT_TRUE(serves_normally());
}

TEST_F(ServerTimingTest, AStoredResponseIsServedAsStoredAndNotCountedAgain) {
  ASSERT_TRUE(start_gateway());
  const HttpResponse miss = get("/cached/cacheable", kRemoteClient);
  ASSERT_EQ(miss.status, 200) << miss.error;
  EXPECT_EQ(miss.header("X-Cache"), "MISS");
  const auto miss_lines = server_timing(miss);
  ASSERT_EQ(miss_lines.size(), 2u);
  EXPECT_EQ(miss_lines[0], "db;dur=50");
  EXPECT_TRUE(miss_lines[1].starts_with("cache;desc=miss, gw;dur=")) << miss_lines[1];
  EXPECT_EQ(observed("cached", "db"), 1);

  const HttpResponse hit = get("/cached/cacheable", kRemoteClient);
  ASSERT_EQ(hit.status, 200) << hit.error;
  EXPECT_EQ(hit.header("X-Cache"), "HIT");
  const auto hit_lines = server_timing(hit);
  ASSERT_EQ(hit_lines.size(), 2u);
  EXPECT_EQ(hit_lines[0], "db;dur=50");  // as stored, as Varnish serves it
  EXPECT_TRUE(hit_lines[1].starts_with("cache;desc=hit, gw;dur=")) << hit_lines[1];
  EXPECT_EQ(hit_lines[1].find("upstream"), std::string::npos) << hit_lines[1];
  auto entry = log_entry(hit);
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->get("origin_timing"), nullptr) << access_log_text();
  EXPECT_EQ(observed("cached", "db"), 1);
}

TEST_F(ServerTimingTest, ATrailerServerTimingNeverReachesTheClient) {
  ASSERT_TRUE(start_gateway());
  for (const char* target : {"/loop/trailer", "/pass/trailer"}) {
    HttpConnection connection(port());
    ASSERT_TRUE(connection.connected()) << connection.error();
    ASSERT_TRUE(connection.send(build_request("GET", target, {})));
    const HttpResponse response = connection.read_response();
    ASSERT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, R"({"ok":true})");
    connection.close();
    for (const auto& [name, value] : response.headers) {
      EXPECT_EQ(value.find("trailer-secret"), std::string::npos) << name;
    }
  }
  // Nor did the trailer count as the origin's timing.
  EXPECT_EQ(observed("loop", "trailer-secret"), 0);
}

TEST_F(ServerTimingTest, CheckDashTPrintsEachRoutesSettings) {
  write_config_file();
  const CommandResult result =
      run_command({centinela_binary(), "check", "-c", config_path(), "-T"});
  ASSERT_EQ(result.exit_code, 0) << result.output();
  for (const char* expected :
       {"origin: loopback", "origin: pass", "origin: strip", "add: true", "add: false"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
  const std::string bad = dir_.write("bad.yaml",
                                     "upstreams: {a: {servers: [\"127.0.0.1:1\"]}}\nroutes:\n"
                                     "  - {upstream: a, server_timing: {origin: everyone}}\n");
  const CommandResult refused = run_command({centinela_binary(), "check", "-c", bad});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output().find("bad.yaml:3:"), std::string::npos) << refused.output();
  EXPECT_NE(refused.output().find("expected loopback, pass or strip"), std::string::npos)
      << refused.output();
}

}  // namespace
}  // namespace itest
