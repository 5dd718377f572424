// admin.live_stats (issue 15, point 6): with it off the dashboard, its JSON
// and /admin/stats answer 404 LIVE_STATS_OFF while /metrics keeps counting
// every request (its histograms and the byte counters the dashboard's series
// also feed); a reload turns it off and on again, and what was served while
// it was off never reaches the dashboard's series or windows.
#include <signal.h>

#include <atomic>
#include <thread>

#include "gateway_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

class LiveStatsSwitchTest : public GatewayTest {
 protected:
  LiveStatsSwitchTest() {
    config_.routes = {
        R"({name: web, match: {prefix: "/"}, upstream: api, compression: {min_size: 64}})"};
  }

  // config_ rendered, with `admin.live_stats: <on>`.
  std::string yaml(bool on) const {
    std::string text = config_.render();
    const std::string admin = fmt::format("admin:\n  listen: \"127.0.0.1:{}\"\n", admin_port());
    const auto at = text.find(admin);
    EXPECT_NE(at, std::string::npos) << text;
    if (at != std::string::npos) {
      text.insert(at + admin.size(), fmt::format("  live_stats: {}\n", on ? "true" : "false"));
    }
    return text;
  }

  ::testing::AssertionResult start_with_live_stats(bool on) {
    write_config_file(yaml(on));
    gateway_ = std::make_unique<GatewayProcess>(config_path(), admin_port(), dir_.path());
    return gateway_->start();
  }

  double reloads(const char* result = "success") {
    return metric("centinela_config_reloads_total", {{"result", result}}).value_or(0);
  }

  ::testing::AssertionResult reload_with_live_stats(bool on) {
    const double before = reloads();
    write_config_file(yaml(on));
    if (!gateway_->send_signal(SIGHUP)) return ::testing::AssertionFailure() << "no SIGHUP";
    if (!eventually([&] { return reloads() >= before + 1; }, 3000ms)) {
      return ::testing::AssertionFailure() << "reload not counted: " << gateway_->stderr_text();
    }
    return ::testing::AssertionSuccess();
  }

  double requests_counted() {
    return metric("centinela_requests_total",
                  {{"route", "web"}, {"method", "GET"}, {"code", "200"}})
        .value_or(0);
  }

  // The sum of the dashboard's per-second request counts.
  std::optional<double> dashboard_requests() {
    const auto data = parse_json(admin_get("/admin/dashboard.json").body);
    const JsonValue* list = data ? data->at("series.requests") : nullptr;
    if (list == nullptr) return std::nullopt;
    double total = 0;
    for (const JsonValue& item : list->items) total += item.number;
    return total;
  }

  // The route's requests over the last minute in /admin/stats.
  std::optional<double> stats_route_count() {
    const auto stats = parse_json(admin_get("/admin/stats").body);
    const JsonValue* routes = stats ? stats->get("routes") : nullptr;
    if (routes == nullptr) return std::nullopt;
    for (const JsonValue& route : routes->items) {
      if (route.string_at("name") == "web") return route.number_at("1m.count");
    }
    return std::nullopt;
  }

  // Each reader of the live numbers answers the documented error.
  ::testing::AssertionResult live_endpoints_are_off() {
    for (const char* path :
         {"/", "/dashboard", "/dashboard/dashboard.js", "/admin/dashboard.json", "/admin/stats"}) {
      const HttpResponse response = admin_get(path);
      if (response.status != 404) {
        return ::testing::AssertionFailure() << path << ": status " << response.status;
      }
      const auto body = parse_json(response.body);
      if (!body || body->string_at("error.code") != "LIVE_STATS_OFF" ||
          body->string_at("error.message") != "live stats are off (admin.live_stats: false)") {
        return ::testing::AssertionFailure() << path << ": " << response.body;
      }
      if (response.header("content-type") != "application/json") {
        return ::testing::AssertionFailure() << path << ": not JSON";
      }
    }
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult live_endpoints_are_on() {
    for (const char* path : {"/dashboard", "/admin/dashboard.json", "/admin/stats"}) {
      const HttpResponse response = admin_get(path);
      if (response.status != 200) {
        return ::testing::AssertionFailure()
               << path << ": " << response.status << " " << response.body;
      }
    }
    return ::testing::AssertionSuccess();
  }

  void get_ok(int times) {
    for (int i = 0; i < times; ++i) ASSERT_EQ(get("/ok").status, 200);
  }
};

std::string compressible_json() {
  std::string text = "[";
  for (int i = 0; i < 100; ++i) text += R"({"id":1,"name":"widget","price":12.5},)";
  text.back() = ']';
  return text;
}

TEST_F(LiveStatsSwitchTest, OffTheLiveEndpointsSaySoAndMetricsStillCount) {
  ASSERT_TRUE(start_with_live_stats(false));
  origin_.reply("/json", OriginReply::json(200, compressible_json()));
  get_ok(5);
  const HttpResponse compressed = get("/json", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(compressed.status, 200);
  ASSERT_EQ(compressed.header("content-encoding"), "gzip");

  EXPECT_TRUE(live_endpoints_are_off());
  // The token guard still comes first on /admin/*, and the rest answers.
  EXPECT_EQ(admin_get("/health").status, 200);
  EXPECT_EQ(admin_get("/ready").status, 200);

  // /metrics counts all of it: counters, the duration histogram, and the
  // byte counters whose only feed is the live series' path. (A request is
  // recorded once its response went out: the last one may follow the reply.)
  EXPECT_TRUE(eventually(
      [&] {
        return requests_counted() == 6 &&
               metric("centinela_upstream_duration_seconds_count", {{"upstream", "api"}}) == 6;
      },
      5s));
  EXPECT_EQ(requests_counted(), 6);
  EXPECT_EQ(metric("centinela_request_duration_seconds_count", {{"route", "web"}}), 6);
  EXPECT_EQ(metric("centinela_upstream_duration_seconds_count", {{"upstream", "api"}}), 6);
  EXPECT_GT(metric("centinela_response_bytes_total").value_or(0), 0);
  EXPECT_GT(metric("centinela_compression_saved_bytes_total").value_or(0), 0);
}

TEST_F(LiveStatsSwitchTest, AReloadTurnsThemOffAndOnAndTheOffTimeIsNotCounted) {
  ASSERT_TRUE(start_with_live_stats(true));
  get_ok(3);
  ASSERT_TRUE(eventually([&] { return dashboard_requests() == 3; }, 5s));

  ASSERT_TRUE(reload_with_live_stats(false));
  EXPECT_TRUE(live_endpoints_are_off());
  get_ok(4);
  // Recorded once each response went out: the last may follow its reply.
  EXPECT_TRUE(eventually([&] { return requests_counted() == 7; }, 5s)) << requests_counted();

  ASSERT_TRUE(reload_with_live_stats(true));
  EXPECT_TRUE(live_endpoints_are_on());
  get_ok(2);
  // The series and the route's window hold the 3 + 2 requests served while
  // on; the 4 served while off would make them 9 at the first tick.
  EXPECT_TRUE(eventually([&] { return dashboard_requests() == 5 && stats_route_count() == 5; }, 5s))
      << "series " << dashboard_requests().value_or(-1) << ", window "
      << stats_route_count().value_or(-1);
  // Two more ticks later, still 5.
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(dashboard_requests(), 5);
  EXPECT_EQ(stats_route_count(), 5);
  EXPECT_EQ(requests_counted(), 9);
}

TEST_F(LiveStatsSwitchTest, ManySwitchesUnderTrafficLeaveAWorkingGateway) {
  ASSERT_TRUE(start_with_live_stats(true));
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> served{0};
  std::thread traffic([&] {
    while (!stop.load()) {
      if (get("/ok").status == 200) {
        ++served;
      } else {
        ++failures;
      }
    }
  });
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(reload_with_live_stats(i % 2 == 1)) << "reload " << i;  // off, on, off, …
    // Admin readers between the switches neither crash nor hang.
    admin_get("/admin/stats");
    admin_get("/admin/dashboard.json");
  }
  stop = true;
  traffic.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(served.load(), 0);
  EXPECT_EQ(reloads("failure"), 0);
  EXPECT_TRUE(gateway_->running());
  EXPECT_TRUE(live_endpoints_are_on());  // the last reload turned them on
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
