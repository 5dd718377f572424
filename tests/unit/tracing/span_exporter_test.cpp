// The exporter against a tiny OTLP receiver on loopback: batches arrive as
// JSON, a full queue drops and counts, a collector that is down or failing
// costs dropped spans and counted failures, never a stuck exporter.
#include "tracing/span_exporter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observe/metrics.h"

namespace centinela::tracing {
namespace {

using namespace std::chrono_literals;

std::uint64_t counter(std::string_view name, const observe::Labels& labels = {}) {
  return observe::Registry::global().counter(name, "", labels).value();
}
std::uint64_t dropped(std::string_view reason) {
  return counter("centinela_tracing_spans_dropped_total", {{"reason", std::string(reason)}});
}
std::uint64_t exported() { return counter("centinela_tracing_spans_exported_total"); }
std::uint64_t failures(std::string_view reason) {
  return counter("centinela_tracing_export_failures_total", {{"reason", std::string(reason)}});
}

// Accepts connections one at a time, reads a request with a Content-Length
// body, keeps the body, answers `status`.
class Receiver {
 public:
  explicit Receiver(int status) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  void serve() {
    for (;;) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string request;
      char chunk[4096];
      std::size_t needed = std::string::npos;
      while (needed == std::string::npos || request.size() < needed) {
        const ssize_t got = ::recv(client, chunk, sizeof chunk, 0);
        if (got <= 0) break;
        request.append(chunk, static_cast<std::size_t>(got));
        const std::size_t end = request.find("\r\n\r\n");
        const std::size_t length = request.find("Content-Length: ");
        if (end != std::string::npos && length != std::string::npos) {
          needed = end + 4 + std::stoul(request.substr(length + 16));
        }
      }
      if (needed != std::string::npos) {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.substr(request.find("\r\n\r\n") + 4));
      }
      const std::string answer = "HTTP/1.1 " + std::to_string(status_) +
                                 " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  int status_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
};

config::TracingConfig tracing_to(std::uint16_t port) {
  config::TracingConfig t;
  t.collector = {"127.0.0.1", port, "127.0.0.1:" + std::to_string(port)};
  t.otlp_endpoint = "http://" + t.collector.text + "/v1/traces";
  t.sample_ratio = 1;
  t.batch_interval = 20ms;
  t.timeout = 2s;
  return t;
}

void record(SpanExporter& exporter, int n) {
  for (int i = 0; i < n; ++i) {
    exporter.record(0, 1, [&](SpanRecord& slot) {
      slot = SpanRecord{};
      std::fill(slot.trace_id.begin(), slot.trace_id.end(), 'a');
      std::fill(slot.span_id.begin(), slot.span_id.end(), 'b');
      slot.method.assign("GET");
      slot.request_id.assign("r" + std::to_string(i));
    });
  }
}

// Polls `done` for up to 10 s.
template <typename Condition>
bool eventually(Condition done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

std::size_t span_total(const std::vector<std::string>& bodies) {
  std::size_t total = 0;
  for (const std::string& body : bodies) {
    const auto request = boost::json::parse(body);
    total += request.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array().size();
  }
  return total;
}

TEST(SpanExporterTest, RecordedSpansReachTheCollectorInBatches) {
  Receiver receiver(200);
  const std::uint64_t before = exported();
  SpanExporter exporter(2);
  config::TracingConfig t = tracing_to(receiver.port());
  t.batch_max_spans = 4;
  exporter.configure(t, {});
  record(exporter, 10);
  ASSERT_TRUE(eventually([&] { return span_total(receiver.bodies()) == 10; }));
  for (const std::string& body : receiver.bodies()) {
    EXPECT_LE(span_total({body}), 4u);
  }
  EXPECT_TRUE(eventually([&] { return exported() - before == 10; }));
}

TEST(SpanExporterTest, AFullQueueDropsAndCountsTheRest) {
  Receiver receiver(200);
  const std::uint64_t full_before = dropped("queue_full");
  SpanExporter exporter(1);
  config::TracingConfig t = tracing_to(receiver.port());
  t.max_queue = 4;
  t.batch_interval = std::chrono::hours(1);  // nothing is due before the shutdown
  exporter.configure(t, {});
  record(exporter, 10);
  EXPECT_EQ(dropped("queue_full") - full_before, 6u);
  exporter.shutdown(5s);  // the queued four still go out
  EXPECT_EQ(span_total(receiver.bodies()), 4u);
}

TEST(SpanExporterTest, ACollectorAnswering500CostsTheBatchNotTheExporter) {
  Receiver receiver(500);
  const std::uint64_t failed_before = dropped("export_failed");
  const std::uint64_t status_before = failures("http_status");
  SpanExporter exporter(1);
  exporter.configure(tracing_to(receiver.port()), {});
  record(exporter, 3);
  ASSERT_TRUE(eventually([&] { return dropped("export_failed") - failed_before == 3; }));
  EXPECT_GE(failures("http_status") - status_before, 1u);
  record(exporter, 2);  // still taken and tried
  EXPECT_TRUE(eventually([&] { return dropped("export_failed") - failed_before == 5; }));
}

TEST(SpanExporterTest, ACollectorThatIsDownIsCountedAndTheShutdownStillEnds) {
  std::uint16_t closed_port = 0;
  {
    Receiver gone(200);
    closed_port = gone.port();
  }
  const std::uint64_t connect_before = failures("connect");
  SpanExporter exporter(1);
  exporter.configure(tracing_to(closed_port), {});
  record(exporter, 2);
  ASSERT_TRUE(eventually([&] { return failures("connect") - connect_before >= 1; }));
  record(exporter, 1);
  exporter.shutdown(1s);
}

TEST(SpanExporterTest, ACollectorThatNeverAnswersTimesOutAndTheShutdownStillEnds) {
  // Listening, never accepting: the connection and the POST go through the
  // kernel's queues, the answer never comes.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent, 16), 0);
  socklen_t size = sizeof address;
  ::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &size);
  const std::uint64_t timeout_before = failures("timeout");
  {
    SpanExporter exporter(1);
    config::TracingConfig t = tracing_to(ntohs(address.sin_port));
    t.timeout = 100ms;
    exporter.configure(t, {});
    record(exporter, 2);
    EXPECT_TRUE(eventually([&] { return failures("timeout") - timeout_before >= 1; }));
    record(exporter, 1);
    exporter.shutdown(200ms);
  }
  ::close(silent);
}

TEST(SpanExporterTest, AReconfiguredEndpointGetsTheNextSpans) {
  Receiver first(200), second(200);
  SpanExporter exporter(1);
  exporter.configure(tracing_to(first.port()), {});
  record(exporter, 2);
  ASSERT_TRUE(eventually([&] { return span_total(first.bodies()) == 2; }));
  config::TracingConfig moved = tracing_to(second.port());
  moved.service_name = "moved";
  exporter.configure(moved, {});
  record(exporter, 3);
  ASSERT_TRUE(eventually([&] { return span_total(second.bodies()) == 3; }));
  EXPECT_EQ(span_total(first.bodies()), 2u);
  EXPECT_NE(second.bodies().front().find("\"moved\""), std::string::npos);
}

TEST(SpanExporterTest, WithoutTracingNothingIsQueued) {
  const std::uint64_t full_before = dropped("queue_full");
  SpanExporter exporter(1);
  exporter.configure(std::nullopt, {});
  record(exporter, 3);
  EXPECT_EQ(dropped("queue_full") - full_before, 3u);
}

}  // namespace
}  // namespace centinela::tracing
