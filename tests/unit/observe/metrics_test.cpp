#include "observe/metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace centinela::observe {
namespace {

TEST(Counter, SumsIncrementsFromManyWorkers) {
  Registry registry;
  Counter& counter = registry.counter("test_requests_total", "Requests.");
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 8; ++w) {
    workers.emplace_back([&counter, w] {
      set_worker_index(w);
      for (int i = 0; i < 100000; ++i) counter.inc();
      counter.inc(5);
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(counter.value(), 8u * 100005u);
}

TEST(Counter, NonWorkerThreadsShareSlotZeroWithoutLosingCounts) {
  Registry registry;
  Counter& counter = registry.counter("test_shared_total", "Shared slot.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 50000; ++i) counter.inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.value(), 200000u);
}

TEST(Gauge, SetAndAdd) {
  Registry registry;
  Gauge& gauge = registry.gauge("test_connections", "Connections.");
  gauge.set(10);
  gauge.add(2.5);
  gauge.add(-4);
  EXPECT_DOUBLE_EQ(gauge.value(), 8.5);
}

TEST(Registry, SameNameAndLabelsInAnyOrderIsTheSameSeries) {
  Registry registry;
  Counter& a = registry.counter("test_total", "T.", {{"route", "api"}, {"code", "200"}});
  Counter& b = registry.counter("test_total", "T.", {{"code", "200"}, {"route", "api"}});
  Counter& c = registry.counter("test_total", "T.", {{"code", "500"}, {"route", "api"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Registry, RejectsTypeConflictsAndInvalidNames) {
  Registry registry;
  registry.counter("test_total", "T.");
  EXPECT_THROW(registry.gauge("test_total", "T."), std::invalid_argument);
  EXPECT_THROW(registry.counter("bad-name", "T."), std::invalid_argument);
  EXPECT_THROW(registry.counter("test2_total", "T.", {{"bad label", "x"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("test3_total", "T.", {{"__reserved", "x"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("test4_total", "T.", {{"a", "1"}, {"a", "2"}}),
               std::invalid_argument);
  EXPECT_THROW(registry.histogram("test_seconds", "T.", {{"le", "1"}}), std::invalid_argument);
  const double unsorted[] = {1, 0.5};
  EXPECT_THROW(registry.histogram("test_seconds", "T.", {}, unsorted), std::invalid_argument);
}

TEST(Histogram, BucketsAreCumulativeAndUpperBoundsInclusive) {
  const double bounds[] = {0.01, 0.1, 1};
  Histogram histogram(bounds);
  histogram.observe(0.005);
  histogram.observe(0.01);  // le is inclusive
  histogram.observe(0.05);
  histogram.observe(0.5);
  histogram.observe(7);
  const Histogram::Snapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(snap.count, 5u);
  EXPECT_NEAR(snap.sum, 7.565, 1e-12);
}

TEST(Histogram, ObservationsFromManyWorkersAllCount) {
  Histogram histogram(default_latency_buckets());
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 4; ++w) {
    workers.emplace_back([&histogram, w] {
      set_worker_index(w + 1);
      for (int i = 0; i < 10000; ++i) histogram.observe(0.002);
    });
  }
  for (auto& t : workers) t.join();
  const Histogram::Snapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.count, 40000u);
  EXPECT_NEAR(snap.sum, 80.0, 1e-6);
  EXPECT_EQ(snap.cumulative[0], 0u);      // le=0.001
  EXPECT_EQ(snap.cumulative[1], 40000u);  // le=0.0025
}

TEST(DefaultLatencyBuckets, SpanOneMillisecondToTenSeconds) {
  const auto buckets = default_latency_buckets();
  ASSERT_GE(buckets.size(), 12u);
  EXPECT_DOUBLE_EQ(buckets.front(), 0.001);
  EXPECT_DOUBLE_EQ(buckets.back(), 10);
}

TEST(Render, OneHeaderPerFamilySortedWithSamples) {
  Registry registry;
  registry.counter("zeta_total", "Last.").inc(3);
  registry.counter("alpha_total", "First.", {{"route", "b"}}).inc(1);
  registry.counter("alpha_total", "First.", {{"route", "a"}}).inc(2);
  registry.gauge("middle_bytes", "Middle.").set(1.5);
  const std::string text = registry.render();

  const auto alpha = text.find("# HELP alpha_total First.\n# TYPE alpha_total counter\n");
  const auto middle = text.find("# TYPE middle_bytes gauge\n");
  const auto process = text.find("# TYPE process_resident_memory_bytes gauge\n");
  const auto zeta = text.find("# TYPE zeta_total counter\n");
  ASSERT_NE(alpha, std::string::npos) << text;
  ASSERT_NE(middle, std::string::npos) << text;
  ASSERT_NE(process, std::string::npos) << text;
  ASSERT_NE(zeta, std::string::npos) << text;
  EXPECT_LT(alpha, middle);
  EXPECT_LT(middle, process);
  EXPECT_LT(process, zeta);
  const auto alpha_type = text.find("# TYPE alpha_total");
  EXPECT_EQ(text.find("# TYPE alpha_total", alpha_type + 1), std::string::npos) << text;
  EXPECT_NE(text.find("alpha_total{route=\"a\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("alpha_total{route=\"b\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("middle_bytes 1.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("zeta_total 3\n"), std::string::npos) << text;
}

TEST(Render, HistogramSeries) {
  Registry registry;
  const double bounds[] = {0.1, 1};
  Histogram& h = registry.histogram("req_seconds", "Latency.", {{"route", "api"}}, bounds);
  h.observe(0.05);
  h.observe(2);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE req_seconds histogram\n"
                      "req_seconds_bucket{route=\"api\",le=\"0.1\"} 1\n"
                      "req_seconds_bucket{route=\"api\",le=\"1\"} 1\n"
                      "req_seconds_bucket{route=\"api\",le=\"+Inf\"} 2\n"
                      "req_seconds_sum{route=\"api\"} 2.05\n"
                      "req_seconds_count{route=\"api\"} 2\n"),
            std::string::npos)
      << text;
}

TEST(Render, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter("esc_total", "Help with \\ and\nnewline.", {{"path", "a\"b\\c\nd"}}).inc();
  registry.counter("utf_total", "Bad UTF-8.", {{"v", std::string("x\xff\xc3(y")}}).inc();
  const std::string text = registry.render();
  EXPECT_NE(text.find("# HELP esc_total Help with \\\\ and\\nnewline.\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("esc_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("utf_total{v=\"x\xEF\xBF\xBD\xEF\xBF\xBD(y\"} 1\n"), std::string::npos)
      << text;
}

TEST(Render, CollectorsAppendAfterFamiliesAndCanBeReplaced) {
  Registry registry;
  registry.counter("a_total", "A.").inc();
  registry.add_collector("health", [](std::string& out) {
    out += "# HELP up_servers Up.\n# TYPE up_servers gauge\nup_servers 1\n";
  });
  registry.add_collector("health", [](std::string& out) {
    out += "# HELP up_servers Up.\n# TYPE up_servers gauge\nup_servers 2\n";
  });
  std::string text = registry.render();
  EXPECT_NE(text.find("up_servers 2\n"), std::string::npos);
  EXPECT_EQ(text.find("up_servers 1\n"), std::string::npos);
  EXPECT_LT(text.find("a_total 1"), text.find("up_servers 2"));
  registry.remove_collector("health");
  text = registry.render();
  EXPECT_EQ(text.find("up_servers"), std::string::npos);
}

TEST(Registry, GlobalIsOneInstance) { EXPECT_EQ(&Registry::global(), &Registry::global()); }

}  // namespace
}  // namespace centinela::observe
