// OpenTelemetry traces end to end: a gateway in front of a real origin sends
// its spans to a tiny OTLP/HTTP JSON receiver (tests/integration/
// otlp_receiver.py). Each traced request is a SERVER span and, when the
// origin was called, a CLIENT child whose id the origin got as parent-id; a
// collector that is down or failing never costs a client its answer.
#include <signal.h>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kReceiverScript = CENTINELA_SOURCE_DIR "/tests/integration/otlp_receiver.py";
constexpr const char* kPython = "/usr/bin/python3";
constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kClientSpan = "00f067aa0ba902b7";

std::string traceparent(std::string_view trace_id, std::string_view flags) {
  return "00-" + std::string(trace_id) + "-" + std::string(kClientSpan) + "-" + std::string(flags);
}

class TracingTest : public GatewayTest {
 protected:
  TracingTest() {
    origin_.reply("/cached/a", [] {
      OriginReply reply = OriginReply::text(200, "cached body");
      reply.headers.push_back({"Cache-Control", "max-age=60"});
      return reply;
    }());
    config_.routes = {R"({name: cached, match: {prefix: "/cached/"}, upstream: api, cache: {}})",
                      R"({name: api, match: {prefix: "/"}, upstream: api})"};
  }

  std::string tracing_yaml(std::string_view ratio) const {
    return fmt::format(
        "tracing: {{otlp_endpoint: \"http://127.0.0.1:{}/v1/traces\", sample_ratio: {}, "
        "service_name: gw-under-test, batch: {{max_spans: 50, interval: 50ms}}, timeout: 1s}}\n",
        collector_.port(), ratio);
  }

  ::testing::AssertionResult start_receiver(int status = 200) {
    receiver_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kPython, kReceiverScript, std::to_string(collector_.port()),
                                 spans_path_, std::to_string(status)},
        dir_.file("receiver.out"), dir_.file("receiver.err"));
    if (!receiver_->started()) return ::testing::AssertionFailure() << receiver_->error();
    if (!eventually(
            [&] { return read_file(dir_.file("receiver.out")).find("ready") != std::string::npos; },
            20s)) {
      return ::testing::AssertionFailure()
             << "the OTLP receiver did not start: " << read_file(dir_.file("receiver.err"));
    }
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult start_traced_gateway(std::string_view ratio) {
    write_config_file(config_.render() + tracing_yaml(ratio));
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  // Every span the receiver has recorded so far.
  std::vector<JsonValue> spans() const {
    std::vector<JsonValue> out;
    const std::string text = read_file(spans_path_);
    std::size_t begin = 0;
    for (std::size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
      if (auto span = parse_json(std::string_view(text).substr(begin, end - begin))) {
        out.push_back(std::move(*span));
      }
    }
    return out;
  }

  std::vector<JsonValue> spans_of_trace(std::string_view trace_id) const {
    std::vector<JsonValue> out;
    for (JsonValue& span : spans()) {
      if (span.string_at("traceId") == trace_id) out.push_back(std::move(span));
    }
    return out;
  }

  // Waits until the trace has `count` spans; returns them (SERVER first).
  std::vector<JsonValue> wait_for_trace(std::string_view trace_id, std::size_t count) const {
    eventually([&] { return spans_of_trace(trace_id).size() >= count; }, 5000ms);
    std::vector<JsonValue> found = spans_of_trace(trace_id);
    std::stable_sort(found.begin(), found.end(), [](const JsonValue& a, const JsonValue& b) {
      return a.number_at("kind").value_or(0) < b.number_at("kind").value_or(0);
    });
    return found;
  }

  // The request with this X-Request-ID is in the access log: it was recorded.
  bool logged(const std::string& request_id) {
    return wait_for_access_log(
               [&](const JsonValue& e) { return e.string_at("request_id") == request_id; })
        .has_value();
  }

  double metric_or_zero(const std::string& name, const std::map<std::string, std::string>& labels) {
    return metric(name, labels).value_or(0);
  }

  ReservedPort collector_;
  std::string spans_path_ = dir_.file("spans.jsonl");
  std::unique_ptr<ChildProcess> receiver_;
};

TEST_F(TracingTest, EveryRequestIsAServerSpanWithAClientChildTheOriginHangsUnder) {
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("1"));
  const HttpResponse response =
      get("/items?page=2", {{"User-Agent", "trace-test/1.0"}, {"X-Request-ID", "trace-req-1"}});
  ASSERT_EQ(response.status, 200) << response.error;
  const auto received = origin_.last_request("/items");
  ASSERT_TRUE(received);
  const std::string upstream_traceparent = received->header("traceparent").value_or("");
  ASSERT_EQ(upstream_traceparent.size(), 55u) << upstream_traceparent;
  const std::string trace_id = upstream_traceparent.substr(3, 32);
  EXPECT_EQ(upstream_traceparent.substr(53), "01");

  const std::vector<JsonValue> trace = wait_for_trace(trace_id, 2);
  ASSERT_EQ(trace.size(), 2u);
  const JsonValue& server = trace[0];
  const JsonValue& client = trace[1];
  EXPECT_EQ(server.number_at("kind"), 2);
  EXPECT_EQ(server.string_at("parentSpanId"), "");  // the trace started here
  EXPECT_EQ(server.string_at("service"), "gw-under-test");
  EXPECT_EQ(server.string_at("name"), "GET api");
  auto attr = [](const JsonValue& span, std::string_view key) {
    const JsonValue* all = span.get("attributes");
    const JsonValue* value = all ? all->get(key) : nullptr;
    return value && value->is_string() ? value->text : std::string("<absent>");
  };
  EXPECT_EQ(attr(server, "http.request.method"), "GET");
  EXPECT_EQ(attr(server, "url.path"), "/items");
  EXPECT_EQ(attr(server, "url.query"), "page=2");
  EXPECT_EQ(attr(server, "http.route"), "api");
  EXPECT_EQ(attr(server, "http.response.status_code"), "200");
  EXPECT_EQ(attr(server, "client.address"), "127.0.0.1");
  EXPECT_EQ(attr(server, "user_agent.original"), "trace-test/1.0");
  EXPECT_EQ(attr(server, "centinela.request_id"), "trace-req-1");
  EXPECT_EQ(server.number_at("status"), 0);

  EXPECT_EQ(client.number_at("kind"), 3);
  EXPECT_EQ(client.string_at("parentSpanId"), server.string_at("spanId"));
  // The origin's spans hang under the CLIENT span.
  EXPECT_EQ(upstream_traceparent.substr(36, 16), client.string_at("spanId"));
  EXPECT_EQ(attr(client, "server.address"), "127.0.0.1");
  EXPECT_EQ(attr(client, "server.port"), std::to_string(origin_.port()));
  EXPECT_EQ(attr(client, "http.response.status_code"), "200");
  EXPECT_GE(std::stoull(client.string_at("start")), std::stoull(server.string_at("start")));
  EXPECT_LE(std::stoull(client.string_at("end")), std::stoull(server.string_at("end")));

  // The access log's span_id is the SERVER span.
  const auto entry = wait_for_access_log(
      [](const JsonValue& e) { return e.string_at("request_id") == "trace-req-1"; });
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->string_at("span_id"), server.string_at("spanId"));
}

TEST_F(TracingTest, AClientsTraceIsContinuedUnderItsSpan) {
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("1"));
  ASSERT_EQ(get("/continued", {{"traceparent", traceparent(kTraceId, "01")}}).status, 200);
  const std::vector<JsonValue> trace = wait_for_trace(kTraceId, 2);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[0].string_at("parentSpanId"), kClientSpan);
  EXPECT_EQ(trace[1].string_at("parentSpanId"), trace[0].string_at("spanId"));
  const std::string upstream =
      origin_.last_request("/continued")->header("traceparent").value_or("");
  EXPECT_EQ(upstream, "00-" + std::string(kTraceId) + "-" + trace[1].string_at("spanId") + "-01");
}

TEST_F(TracingTest, ACacheHitIsAServerSpanAlone) {
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("1"));
  ASSERT_EQ(get("/cached/a").status, 200);
  const std::string hit_trace = "5bf92f3577b34da6a3ce929d0e0e4736";
  const HttpResponse hit = get("/cached/a", {{"traceparent", traceparent(hit_trace, "01")}});
  ASSERT_EQ(hit.status, 200);
  ASSERT_EQ(hit.header("X-Cache").value_or(""), "HIT");
  ASSERT_EQ(origin_.request_count("/cached/a"), 1u);
  std::vector<JsonValue> trace = wait_for_trace(hit_trace, 1);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].number_at("kind"), 2);
  const JsonValue* cache = trace[0].get("attributes")->get("centinela.cache");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->text, "HIT");
  EXPECT_EQ(trace[0].get("attributes")->get("http.route")->text, "cached");
  // A later export holds nothing more of that trace.
  const std::string later = "6bf92f3577b34da6a3ce929d0e0e4736";
  ASSERT_EQ(get("/after", {{"traceparent", traceparent(later, "01")}}).status, 200);
  ASSERT_EQ(wait_for_trace(later, 2).size(), 2u);
  EXPECT_EQ(spans_of_trace(hit_trace).size(), 1u);
}

TEST_F(TracingTest, AtRatioZeroOnlyTracesTheClientSampledAreExported) {
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("0"));
  const std::string unsampled = "7bf92f3577b34da6a3ce929d0e0e4736";
  ASSERT_EQ(get("/plain", {{"X-Request-ID", "plain-1"}}).status, 200);
  ASSERT_EQ(get("/declined",
                {{"X-Request-ID", "declined-1"}, {"traceparent", traceparent(unsampled, "00")}})
                .status,
            200);
  // The origin hears the decision in the flags.
  EXPECT_EQ(origin_.last_request("/plain")->header("traceparent").value_or("").substr(53), "00");
  EXPECT_EQ(
      origin_.last_request("/declined")->header("traceparent").value_or(""),
      "00-" + unsampled + "-" +
          origin_.last_request("/declined")->header("traceparent").value_or("").substr(36, 16) +
          "-00");
  ASSERT_TRUE(logged("plain-1"));
  ASSERT_TRUE(logged("declined-1"));

  ASSERT_EQ(get("/sampled", {{"traceparent", traceparent(kTraceId, "01")}}).status, 200);
  ASSERT_EQ(wait_for_trace(kTraceId, 2).size(), 2u);
  EXPECT_EQ(origin_.last_request("/sampled")->header("traceparent").value_or("").substr(53), "01");
  EXPECT_EQ(spans().size(), 2u);  // nothing of the two unsampled requests
}

TEST_F(TracingTest, ACollectorThatIsDownCostsSpansNotAnswers) {
  ASSERT_TRUE(start_traced_gateway("1"));  // nothing listens on the collector's port
  for (int i = 0; i < 20; ++i) ASSERT_EQ(get("/down").status, 200);
  EXPECT_TRUE(eventually(
      [&] {
        return metric_or_zero("centinela_tracing_export_failures_total", {{"reason", "connect"}}) >=
                   1 &&
               metric_or_zero("centinela_tracing_spans_dropped_total",
                              {{"reason", "export_failed"}}) >= 2;
      },
      5000ms))
      << metrics_text();
  EXPECT_EQ(metric_or_zero("centinela_tracing_spans_exported_total", {}), 0);
  EXPECT_TRUE(serves_normally());
}

TEST_F(TracingTest, ACollectorAnswering500CostsSpansNotAnswers) {
  ASSERT_TRUE(start_receiver(500));
  ASSERT_TRUE(start_traced_gateway("1"));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(get("/failing").status, 200);
  EXPECT_TRUE(eventually(
      [&] {
        return metric_or_zero("centinela_tracing_export_failures_total",
                              {{"reason", "http_status"}}) >= 1 &&
               metric_or_zero("centinela_tracing_spans_dropped_total",
                              {{"reason", "export_failed"}}) >= 40;
      },
      5000ms))
      << metrics_text();
  EXPECT_EQ(metric_or_zero("centinela_tracing_spans_exported_total", {}), 0);
  EXPECT_TRUE(spans().empty());
}

// The attribute `key` of a flattened span, or "<absent>".
std::string attribute(const JsonValue& span, std::string_view key) {
  const JsonValue* all = span.get("attributes");
  const JsonValue* value = all ? all->get(key) : nullptr;
  return value && value->is_string() ? value->text : std::string("<absent>");
}

TEST_F(TracingTest, AFailedUpstreamCallIsAnErrorOnBothSpans) {
  ReservedPort dead;
  config_.upstreams["api"] = upstream_yaml({"127.0.0.1:" + std::to_string(dead.port())});
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("1"));
  ASSERT_EQ(get("/refused", {{"traceparent", traceparent(kTraceId, "01")}}).status, 502);
  const std::vector<JsonValue> trace = wait_for_trace(kTraceId, 2);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[0].number_at("status"), 2);
  EXPECT_EQ(attribute(trace[0], "http.response.status_code"), "502");
  EXPECT_EQ(attribute(trace[0], "error.type"), "connect_refused");
  EXPECT_EQ(trace[1].number_at("status"), 2);
  EXPECT_EQ(attribute(trace[1], "error.type"), "connect_refused");
  EXPECT_EQ(attribute(trace[1], "server.port"), std::to_string(dead.port()));
  EXPECT_EQ(attribute(trace[1], "http.response.status_code"), "<absent>");
}

TEST_F(TracingTest, ARetriedCallIsOneClientSpanNamingTheFinalServer) {
  ReservedPort dead;
  config_.upstreams["api"] =
      upstream_yaml({"127.0.0.1:" + std::to_string(dead.port()), origin_.address()}, "retries: 1");
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_traced_gateway("1"));
  ASSERT_EQ(get("/retried", {{"traceparent", traceparent(kTraceId, "01")}}).status, 200);
  const std::vector<JsonValue> trace = wait_for_trace(kTraceId, 2);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[1].number_at("status"), 0);
  EXPECT_EQ(attribute(trace[1], "server.port"), std::to_string(origin_.port()));
  EXPECT_EQ(attribute(trace[1], "http.response.status_code"), "200");
}

TEST_F(TracingTest, AFullQueueDropsSpansNotRequests) {
  ASSERT_TRUE(start_receiver());
  // Two workers with two places each; an hour's interval: nothing leaves.
  write_config_file(config_.render() +
                    fmt::format("tracing: {{otlp_endpoint: \"http://127.0.0.1:{}/v1/traces\", "
                                "sample_ratio: 1, max_queue: 4, "
                                "batch: {{max_spans: 1000, interval: 1h}}}}\n",
                                collector_.port()));
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(get("/many").status, 200);
  // All 20 recorded (the access log is written just before the spans).
  ASSERT_TRUE(eventually([&] { return access_log_entries().size() >= 20; }, 3000ms));
  // At least 16 of the 20 requests found their worker's places taken (exactly
  // 16 unless one worker got fewer than two): 2 spans each.
  EXPECT_TRUE(eventually(
      [&] {
        return metric_or_zero("centinela_tracing_spans_dropped_total",
                              {{"reason", "queue_full"}}) >= 32;
      },
      3000ms))
      << metrics_text();
  const double dropped =
      metric_or_zero("centinela_tracing_spans_dropped_total", {{"reason", "queue_full"}});
  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  EXPECT_EQ(gateway_->wait_exit(10s), 0);
  // What was queued was sent at exit: every span either arrived or was counted.
  EXPECT_EQ(static_cast<double>(spans().size()) + dropped, 40);
}

TEST_F(TracingTest, AReloadTurnsTracingOnAndItsRatioTakesEffect) {
  ASSERT_TRUE(start_receiver());
  ASSERT_TRUE(start_gateway());  // no tracing section
  ASSERT_EQ(get("/before").status, 200);
  const double before = metric_or_zero("centinela_config_reloads_total", {{"result", "success"}});
  write_config_file(config_.render() + tracing_yaml("1"));
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] {
        return metric_or_zero("centinela_config_reloads_total", {{"result", "success"}}) > before;
      },
      3000ms));
  ASSERT_EQ(get("/after", {{"traceparent", traceparent(kTraceId, "00")}}).status, 200);
  EXPECT_EQ(wait_for_trace(kTraceId, 2).size(), 2u);
}

TEST_F(TracingTest, QueuedSpansAreSentWhenTheGatewayStops) {
  ASSERT_TRUE(start_receiver());
  write_config_file(config_.render() +
                    fmt::format("tracing: {{otlp_endpoint: \"http://127.0.0.1:{}/v1/traces\", "
                                "sample_ratio: 1, batch: {{max_spans: 1000, interval: 1h}}}}\n",
                                collector_.port()));
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  ASSERT_TRUE(gateway_->start());
  ASSERT_EQ(get("/queued", {{"traceparent", traceparent(kTraceId, "01")}}).status, 200);
  EXPECT_TRUE(spans().empty());  // an hour's interval: nothing sent yet
  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  EXPECT_EQ(gateway_->wait_exit(10s), 0);
  EXPECT_EQ(spans_of_trace(kTraceId).size(), 2u);
}

}  // namespace
}  // namespace itest
