#include "proxy/route_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

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

// The registry is process-wide and outlives each test (and each --gtest_repeat
// round), so tests compare counts before and after.
double count(const std::string& series) { return std::max(series_value(series), 0.0); }

TEST(RouteMetrics, RecordCountsByRouteMethodAndCode) {
  RouteMetrics metrics("metrics_test_counts");
  const std::string get_200 = requests("metrics_test_counts", "GET", "200");
  const std::string post_201 = requests("metrics_test_counts", "POST", "201");
  const std::string get_503 = requests("metrics_test_counts", "GET", "503");
  const double get_200_before = count(get_200);
  const double post_201_before = count(post_201);
  const double get_503_before = count(get_503);

  metrics.record("GET", 200, 0.01);
  metrics.record("GET", 200, 0.02);
  metrics.record("POST", 201, 0.01);
  metrics.record("GET", 503, 0.5);

  EXPECT_EQ(series_value(get_200), get_200_before + 2);
  EXPECT_EQ(series_value(post_201), post_201_before + 1);
  EXPECT_EQ(series_value(get_503), get_503_before + 1);
  // A combination never recorded has no series at all.
  EXPECT_EQ(series_value(requests("metrics_test_counts", "POST", "200")), -1);
}

TEST(RouteMetrics, RoutesAreCountedApart) {
  RouteMetrics a("metrics_test_a");
  RouteMetrics b("metrics_test_b");
  const double before = count(requests("metrics_test_a", "GET", "200"));
  a.record("GET", 200, 0.01);
  EXPECT_EQ(series_value(requests("metrics_test_a", "GET", "200")), before + 1);
  EXPECT_EQ(series_value(requests("metrics_test_b", "GET", "200")), -1);
}

TEST(RouteMetrics, SameRouteNameSharesTheSeries) {
  // A reload builds new RouteMetrics; counts must carry on, not restart.
  const std::string series = requests("metrics_test_reload", "GET", "200");
  const double before = count(series);
  RouteMetrics old_config("metrics_test_reload");
  old_config.record("GET", 200, 0.01);
  RouteMetrics new_config("metrics_test_reload");
  new_config.record("GET", 200, 0.01);
  EXPECT_EQ(series_value(series), before + 2);
}

TEST(RouteMetrics, UnknownMethodsShareOneLabel) {
  RouteMetrics metrics("metrics_test_other");
  const std::string series = requests("metrics_test_other", "OTHER", "207");
  const double before = count(series);
  metrics.record("PROPFIND", 207, 0.01);
  metrics.record("BREW", 207, 0.01);
  EXPECT_EQ(series_value(series), before + 2);
  EXPECT_EQ(series_value(requests("metrics_test_other", "PROPFIND", "207")), -1);
}

TEST(RouteMetrics, DurationIsObserved) {
  RouteMetrics metrics("metrics_test_duration");
  const std::string count_series =
      "centinela_request_duration_seconds_count{route=\"metrics_test_duration\"}";
  const std::string sum_series =
      "centinela_request_duration_seconds_sum{route=\"metrics_test_duration\"}";
  const double count_before = count(count_series);
  const double sum_before = count(sum_series);
  metrics.record("GET", 200, 0.25);
  metrics.record("GET", 200, 0.75);
  EXPECT_EQ(series_value(count_series), count_before + 2);
  EXPECT_DOUBLE_EQ(series_value(sum_series), sum_before + 1.0);
}

}  // namespace
}  // namespace centinela::proxy
