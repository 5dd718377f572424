// The admin listener: /health, and /metrics in Prometheus text format with
// the metric names dashboards and alerts rely on.
#include <unistd.h>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

using AdminTest = GatewayTest;

TEST_F(AdminTest, HealthReportsStatusVersionUptimeAndMemory) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response = admin_get("/health");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(to_lower(response.header("content-type").value_or("")).rfind("application/json", 0), 0u)
      << response.header("content-type").value_or("(no Content-Type)");
  auto health = parse_json(response.body);
  ASSERT_TRUE(health) << response.body;
  EXPECT_EQ(health->string_at("status"), "ok");
  EXPECT_FALSE(health->string_at("version").empty()) << response.body;
  ASSERT_TRUE(health->number_at("uptime_s")) << response.body;
  EXPECT_GE(*health->number_at("uptime_s"), 0.0);
  ASSERT_TRUE(health->number_at("memory.rss_bytes")) << response.body;
  EXPECT_GT(*health->number_at("memory.rss_bytes"), 1024.0 * 1024);
}

TEST_F(AdminTest, MetricsExposeTheContractNames) {
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/metered").status, 200);

  std::vector<MetricSample> samples;
  HttpResponse response;
  ASSERT_TRUE(eventually(
      [&] {
        response = admin_get("/metrics");
        samples = parse_metrics(response.body);
        return !find_samples(samples, "centinela_requests_total",
                             {{"method", "GET"}, {"code", "200"}})
                    .empty();
      },
      2000ms))
      << "no centinela_requests_total{method=\"GET\",code=\"200\"}:\n"
      << response.body;
  EXPECT_EQ(to_lower(response.header("content-type").value_or("")).rfind("text/plain", 0), 0u);

  auto requests =
      find_samples(samples, "centinela_requests_total", {{"method", "GET"}, {"code", "200"}});
  EXPECT_TRUE(requests.front().labels.count("route"))
      << "centinela_requests_total lacks a route label";
  EXPECT_GE(requests.front().value, 1.0);

  auto duration_buckets = find_samples(samples, "centinela_request_duration_seconds_bucket");
  ASSERT_FALSE(duration_buckets.empty()) << response.body;
  EXPECT_TRUE(duration_buckets.front().labels.count("le"));
  EXPECT_TRUE(duration_buckets.front().labels.count("route"));
  EXPECT_FALSE(find_samples(samples, "centinela_request_duration_seconds_count").empty());
  EXPECT_FALSE(find_samples(samples, "centinela_request_duration_seconds_sum").empty());
  auto upstream_count =
      find_samples(samples, "centinela_upstream_duration_seconds_count", {{"upstream", "api"}});
  ASSERT_FALSE(upstream_count.empty()) << response.body;
  EXPECT_GE(upstream_count.front().value, 1.0);
  EXPECT_FALSE(
      find_samples(samples, "centinela_upstream_duration_seconds_bucket", {{"upstream", "api"}})
          .empty());

  EXPECT_FALSE(find_samples(samples, "centinela_connections_active").empty());
  auto healthy = find_samples(samples, "centinela_upstream_healthy",
                              {{"upstream", "api"}, {"server", origin_.address()}});
  ASSERT_EQ(healthy.size(), 1u) << response.body;
  EXPECT_EQ(healthy.front().value, 1.0);
  EXPECT_FALSE(find_samples(samples, "centinela_config_reloads_total").empty()) << response.body;
  auto build_info = find_samples(samples, "centinela_build_info");
  ASSERT_EQ(build_info.size(), 1u) << response.body;
  EXPECT_FALSE(build_info.front().labels["version"].empty());
  EXPECT_EQ(build_info.front().value, 1.0);
  auto rss = find_samples(samples, "process_resident_memory_bytes");
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_GT(rss.front().value, 1024.0 * 1024);
}

TEST_F(AdminTest, MetricsPassPromtoolCheck) {
  const std::string promtool = "/usr/bin/promtool";
  if (::access(promtool.c_str(), X_OK) != 0) GTEST_SKIP() << promtool << " not installed";
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/metered").status, 200);
  ASSERT_EQ(get("/metered-again").status, 200);
  HttpResponse metrics = admin_get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  std::string file = dir_.write("metrics.txt", metrics.body);

  CommandResult result =
      run_command({"/bin/sh", "-c", promtool + " check metrics < '" + file + "'"}, 20s);
  EXPECT_EQ(result.exit_code, 0) << result.output() << "\n--- metrics ---\n" << metrics.body;
}

}  // namespace
}  // namespace itest
