#include "proxy/route_metrics.h"

#include <gtest/gtest.h>

#include "observe/metrics.h"

namespace centinela::proxy {
namespace {

// The value of one exposition line, or -1 when the series is absent.
double series_value(const std::string& series) {
  const std::string text = observe::Registry::global().render();
  const std::string line_start = series + " ";
  std::size_t at = text.find("\n" + line_start);
  if (at == std::string::npos) return -1;
  at += 1 + line_start.size();
  return std::stod(text.substr(at, text.find('\n', at) - at));
}

// The registry renders labels sorted by name.
std::string requests(std::string_view route, std::string_view method, std::string_view code) {
  return "centinela_requests_total{code=\"" + std::string(code) + "\",method=\"" +
         std::string(method) + "\",route=\"" + std::string(route) + "\"}";
}

TEST(RouteMetrics, RecordCountsByRouteMethodAndCode) {
  RouteMetrics metrics("metrics_test_counts");
  EXPECT_EQ(series_value(requests("metrics_test_counts", "GET", "200")), -1);

  metrics.record("GET", 200, 0.01);
  metrics.record("GET", 200, 0.02);
  metrics.record("POST", 201, 0.01);
  metrics.record("GET", 503, 0.5);

  EXPECT_EQ(series_value(requests("metrics_test_counts", "GET", "200")), 2);
  EXPECT_EQ(series_value(requests("metrics_test_counts", "POST", "201")), 1);
  EXPECT_EQ(series_value(requests("metrics_test_counts", "GET", "503")), 1);
  EXPECT_EQ(series_value(requests("metrics_test_counts", "POST", "200")), -1);
}

TEST(RouteMetrics, RoutesAreCountedApart) {
  RouteMetrics a("metrics_test_a");
  RouteMetrics b("metrics_test_b");
  a.record("GET", 200, 0.01);
  EXPECT_EQ(series_value(requests("metrics_test_a", "GET", "200")), 1);
  EXPECT_EQ(series_value(requests("metrics_test_b", "GET", "200")), -1);
}

TEST(RouteMetrics, SameRouteNameSharesTheSeries) {
  // A reload builds new RouteMetrics; counts must carry on, not restart.
  RouteMetrics before("metrics_test_reload");
  before.record("GET", 200, 0.01);
  RouteMetrics after("metrics_test_reload");
  after.record("GET", 200, 0.01);
  EXPECT_EQ(series_value(requests("metrics_test_reload", "GET", "200")), 2);
}

TEST(RouteMetrics, UnknownMethodsShareOneLabel) {
  RouteMetrics metrics("metrics_test_other");
  metrics.record("PROPFIND", 207, 0.01);
  metrics.record("BREW", 207, 0.01);
  EXPECT_EQ(series_value(requests("metrics_test_other", "OTHER", "207")), 2);
  EXPECT_EQ(series_value(requests("metrics_test_other", "PROPFIND", "207")), -1);
}

TEST(RouteMetrics, DurationIsObserved) {
  RouteMetrics metrics("metrics_test_duration");
  metrics.record("GET", 200, 0.25);
  metrics.record("GET", 200, 0.75);
  EXPECT_EQ(
      series_value("centinela_request_duration_seconds_count{route=\"metrics_test_duration\"}"), 2);
  EXPECT_DOUBLE_EQ(
      series_value("centinela_request_duration_seconds_sum{route=\"metrics_test_duration\"}"), 1.0);
}

}  // namespace
}  // namespace centinela::proxy
