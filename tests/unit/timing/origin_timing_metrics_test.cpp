#include "timing/origin_timing_metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "observe/live_stats.h"
#include "observe/metrics.h"

namespace centinela::timing {
namespace {

// The `metric` labels of `route`'s series in the global registry, and the
// count of the series labelled `metric`.
std::set<std::string> metric_labels(const std::string& route) {
  const std::string text = observe::Registry::global().render();
  const std::regex count_line("centinela_origin_timing_seconds_count\\{([^}]*)\\} ");
  std::set<std::string> labels;
  for (std::sregex_iterator it(text.begin(), text.end(), count_line), end; it != end; ++it) {
    const std::string set = (*it)[1];
    if (set.find("route=\"" + route + "\"") == std::string::npos) continue;
    const std::size_t at = set.find("metric=\"");
    labels.insert(set.substr(at + 8, set.find('"', at + 8) - at - 8));
  }
  return labels;
}

double count_of(const std::string& route, const std::string& metric) {
  const std::string text = observe::Registry::global().render();
  const std::string prefix =
      "centinela_origin_timing_seconds_count{metric=\"" + metric + "\",route=\"" + route + "\"} ";
  const std::size_t at = text.find(prefix);
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + prefix.size()));
}

TEST(OriginTimingMetrics, EachNameItsOwnSeries) {
  OriginTimingMetrics& metrics = OriginTimingMetrics::for_route("metrics-own");
  metrics.observe("db", 12.5);
  metrics.observe("db", 7.5);
  metrics.observe("app", 1);
  EXPECT_EQ(metric_labels("metrics-own"), (std::set<std::string>{"app", "db"}));
  EXPECT_EQ(count_of("metrics-own", "db"), 2);
  EXPECT_EQ(count_of("metrics-own", "app"), 1);
  EXPECT_EQ(&OriginTimingMetrics::for_route("metrics-own"), &metrics);
  EXPECT_NE(&OriginTimingMetrics::for_route("metrics-other-route"), &metrics);
}

TEST(OriginTimingMetrics, RandomNamesFromManyWorkersStayWithinTheBound) {
  OriginTimingMetrics& metrics = OriginTimingMetrics::for_route("metrics-random");
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 4; ++w) {
    workers.emplace_back([&metrics, w] {
      observe::set_worker_index(w);
      for (int i = 0; i < 500; ++i) metrics.observe("n" + std::to_string(w * 1000 + i), 1);
    });
  }
  for (auto& worker : workers) worker.join();
  const std::set<std::string> labels = metric_labels("metrics-random");
  EXPECT_LE(labels.size(), OriginTimingMetrics::kMaxNames + 1);
  EXPECT_TRUE(labels.contains("other"));
  double total = 0;
  for (const std::string& label : labels) total += count_of("metrics-random", label);
  EXPECT_EQ(total, 2000);  // none lost while names and "other" were being claimed
  // The dashboard's windows are as bounded.
  EXPECT_LE(observe::LiveStats::global().origin_timings("metrics-random").size(),
            OriginTimingMetrics::kMaxNames + 1);
}

TEST(OriginTimingMetrics, AReloadKeepsTheNamesClaimed) {
  OriginTimingMetrics::for_route("metrics-reload").observe("first", 1);
  for (int i = 0; i < 20; ++i) {
    OriginTimingMetrics::for_route("metrics-reload").observe("x" + std::to_string(i), 1);
  }
  // The table is the route's for the process's life: new names go to "other".
  OriginTimingMetrics::for_route("metrics-reload").observe("late", 1);
  const auto labels = metric_labels("metrics-reload");
  EXPECT_EQ(labels.size(), OriginTimingMetrics::kMaxNames + 1);
  EXPECT_TRUE(labels.contains("first"));
  EXPECT_FALSE(labels.contains("late"));
}

}  // namespace
}  // namespace centinela::timing
