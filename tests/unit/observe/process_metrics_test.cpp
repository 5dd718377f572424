#include "observe/process_metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace centinela::observe {
namespace {

TEST(ProcessStats, ReadsPlausibleValuesForThisProcess) {
  std::vector<char> touched(8 * 1024 * 1024, 1);  // at least 8 MiB resident
  const ProcessStats stats = read_process_stats();
  ASSERT_TRUE(stats.available);
  EXPECT_GE(stats.resident_memory_bytes, touched.size());
  EXPECT_GE(stats.virtual_memory_bytes, stats.resident_memory_bytes);
  EXPECT_GE(stats.open_fds, 3u);  // stdin, stdout, stderr
  EXPECT_GE(stats.max_fds, stats.open_fds);
  EXPECT_GE(stats.cpu_seconds, 0.0);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(stats.start_time_seconds, now + 1);
  EXPECT_GT(stats.start_time_seconds, now - 24 * 3600);  // started within the day
}

TEST(ProcessStats, CpuTimeGrowsWithWork) {
  const double before = read_process_stats().cpu_seconds;
  volatile double sink = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < until) sink = sink + 1;
  EXPECT_GT(read_process_stats().cpu_seconds, before);
}

TEST(ProcessFamilies, AllSixFamiliesRendered) {
  const auto families = render_process_families(read_process_stats());
  std::vector<std::string> names;
  for (const auto& [name, text] : families) {
    names.push_back(name);
    EXPECT_NE(text.find("# TYPE " + name), std::string::npos);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"process_cpu_seconds_total", "process_max_fds",
                                             "process_open_fds", "process_resident_memory_bytes",
                                             "process_start_time_seconds",
                                             "process_virtual_memory_bytes"}));
}

}  // namespace
}  // namespace centinela::observe
