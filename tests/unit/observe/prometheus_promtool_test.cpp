// The rendered exposition must satisfy the reference checker, promtool.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "observe/metrics.h"

namespace centinela::observe {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run_promtool_on(const std::string& text) {
  char path[] = "/tmp/centinela-metrics-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {};
  ::close(fd);
  std::ofstream(path) << text;
  CommandResult result;
  const std::string command = std::string(kPromtool) + " check metrics < " + path + " 2>&1";
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char chunk[512];
    while (std::fgets(chunk, sizeof chunk, pipe)) result.output += chunk;
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::remove(path);
  return result;
}

TEST(Promtool, RegistryWithEveryMetricKindPassesCheckMetrics) {
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed";
  Registry registry;
  registry
      .counter("centinela_requests_total", "Requests handled.",
               {{"route", "api"}, {"method", "GET"}, {"code", "200"}})
      .inc(41);
  registry
      .counter("centinela_requests_total", "Requests handled.",
               {{"route", "we\"ird\\route\nx"}, {"method", "POST"}, {"code", "502"}})
      .inc();
  registry.gauge("centinela_connections_active", "Open client connections.").set(3);
  registry
      .gauge("centinela_upstream_healthy", "Upstream server health.",
             {{"upstream", "api"}, {"server", "127.0.0.1:9000"}})
      .set(1);
  Histogram& latency = registry.histogram("centinela_request_duration_seconds", "Request latency.",
                                          {{"route", "api"}});
  latency.observe(0.003);
  latency.observe(0.2);
  latency.observe(42);
  registry.histogram("centinela_request_duration_seconds", "Request latency.", {{"route", "idle"}});
  registry.add_collector("extra", [](std::string& out) {
    out +=
        "# HELP centinela_zz_build_info Build.\n# TYPE centinela_zz_build_info gauge\n"
        "centinela_zz_build_info{version=\"0.1.0\"} 1\n";
  });

  const std::string text = registry.render();
  const CommandResult result = run_promtool_on(text);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n--- rendered ---\n" << text;
}

TEST(Promtool, DetectsBrokenExposition) {
  // Guards the test above: promtool must actually reject bad input here.
  if (access(kPromtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed";
  const CommandResult result =
      run_promtool_on("# TYPE x counter\n# TYPE x counter\nx{a=\"unterminated} 1\n");
  EXPECT_NE(result.exit_code, 0) << result.output;
}

}  // namespace
}  // namespace centinela::observe
