// The top-level `tracing` section: defaults, the collector's URL, limits and
// the errors `check` prints for them.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using namespace std::chrono_literals;
using testing::load_ok;
using testing::problems;

const std::string kBase =
    "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
    "routes: [{match: {prefix: /}, upstream: api}]\n";

TEST(TracingConfigTest, AbsentOrOffMeansNoTracing) {
  EXPECT_FALSE(load_ok(kBase).tracing);
  EXPECT_FALSE(load_ok(kBase + "tracing: off\n").tracing);
}

TEST(TracingConfigTest, WrittenAloneItTakesTheDefaults) {
  EXPECT_TRUE(load_ok(kBase + "tracing: on\n").tracing);
  const Config config = load_ok(kBase + "tracing:\n");
  ASSERT_TRUE(config.tracing);
  const TracingConfig& t = *config.tracing;
  EXPECT_EQ(t.otlp_endpoint, "http://127.0.0.1:4318/v1/traces");
  EXPECT_EQ(t.collector.host, "127.0.0.1");
  EXPECT_EQ(t.collector.port, 4318);
  EXPECT_EQ(t.path, "/v1/traces");
  EXPECT_DOUBLE_EQ(t.sample_ratio, 0.01);
  EXPECT_EQ(t.service_name, "centinela");
  EXPECT_EQ(t.batch_max_spans, 512u);
  EXPECT_EQ(t.batch_interval, 5s);
  EXPECT_EQ(t.max_queue, 2048u);
  EXPECT_EQ(t.timeout, 10s);
  EXPECT_TRUE(t.headers.empty());
}

TEST(TracingConfigTest, ReadsEveryKey) {
  const Config config = load_ok(kBase +
                                "tracing:\n"
                                "  otlp_endpoint: http://[::1]:14318/otlp/v1/traces\n"
                                "  sample_ratio: 1\n"
                                "  service_name: edge-gw\n"
                                "  batch: {max_spans: 10, interval: 100ms}\n"
                                "  max_queue: 50\n"
                                "  timeout: 500ms\n"
                                "  headers: {Authorization: \"Bearer abc\", X-Scope: team-a}\n");
  const TracingConfig& t = *config.tracing;
  EXPECT_EQ(t.collector.host, "::1");
  EXPECT_EQ(t.collector.port, 14318);
  EXPECT_EQ(t.path, "/otlp/v1/traces");
  EXPECT_DOUBLE_EQ(t.sample_ratio, 1.0);
  EXPECT_EQ(t.service_name, "edge-gw");
  EXPECT_EQ(t.batch_max_spans, 10u);
  EXPECT_EQ(t.batch_interval, 100ms);
  EXPECT_EQ(t.max_queue, 50u);
  EXPECT_EQ(t.timeout, 500ms);
  ASSERT_EQ(t.headers.size(), 2u);
  EXPECT_EQ(t.headers[0].name, "Authorization");
  EXPECT_EQ(t.headers[0].value, "Bearer abc");
}

TEST(TracingConfigTest, APortlessUrlIsPort80AndAnEmptyPathIsTheRoot) {
  const Config config = load_ok(kBase + "tracing: {otlp_endpoint: \"http://collector\"}\n");
  EXPECT_EQ(config.tracing->collector.port, 80);
  EXPECT_EQ(config.tracing->path, "/");
}

TEST(TracingConfigTest, BadValuesAreReportedWhereWritten) {
  const auto errors = problems(kBase +
                               "tracing:\n"
                               "  otlp_endpoint: https://collector:4318/v1/traces\n"
                               "  sample_ratio: 1.5\n"
                               "  batch: {max_spans: 0, every: 1s}\n"
                               "  max_queue: 0\n"
                               "  timeout: 0s\n"
                               "  headers: {\"Bad Name\": x}\n"
                               "  service_name: \"\"\n"
                               "  sampling: 1\n");
  const std::string all = [&] {
    std::string text;
    for (const auto& e : errors) text += e + "\n";
    return text;
  }();
  for (const char* expected : {"t.yaml:4:18: tracing.otlp_endpoint: https is not supported",
                               "t.yaml:5:17:", "t.yaml:6:22:", "every",
                               "t.yaml:7:14:", "t.yaml:8:12:", "t.yaml:9:13: tracing.headers",
                               "tracing.service_name: may not be empty", "sampling"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n" << all;
  }
}

TEST(TracingConfigTest, HeadersTheExporterWritesItselfAreRefused) {
  const auto errors = problems(kBase + "tracing: {headers: {Content-Length: \"5\", HOST: x}}\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("'Content-Length' is set by the gateway"), std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find("'HOST'"), std::string::npos) << errors[1];
}

TEST(TracingConfigTest, MalformedUrlsAreRefused) {
  for (const char* url : {"ftp://x/v1/traces", "http://", "http://user:pw@host:4318/v1/traces",
                          "http://host:99999/v1/traces", "http://host:4318/a b"}) {
    const auto errors = problems(kBase + "tracing: {otlp_endpoint: \"" + url + "\"}\n");
    ASSERT_FALSE(errors.empty()) << url;
    EXPECT_NE(errors.front().find("tracing.otlp_endpoint"), std::string::npos) << errors.front();
  }
}

}  // namespace
}  // namespace centinela::config
