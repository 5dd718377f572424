#include "tracing/span_exporter.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "observe/access_log_format.h"
#include "observe/event_log.h"
#include "observe/metrics.h"
#include "tracing/otlp_http.h"
#include "tracing/otlp_json.h"
#include "tracing/span_ring.h"

namespace centinela::tracing {
namespace {

using Clock = std::chrono::steady_clock;

// How often the thread looks at the rings between exports: a batch that
// filled up goes out within this, not only at `batch.interval`.
constexpr std::chrono::milliseconds kPollInterval{50};
constexpr std::chrono::milliseconds kDestructorGrace{1000};

// What one export is made with; replaced whole on reload.
struct Settings {
  config::TracingConfig tracing;
  observe::AccessLogFormat redaction;
};

struct Metrics {
  observe::Counter& exported;
  observe::Counter& queue_full;
  observe::Counter& export_failed;
  observe::Counter& shutdown;
  std::vector<std::pair<PostResult, observe::Counter*>> failures;

  static Metrics make() {
    auto& registry = observe::Registry::global();
    constexpr std::string_view kDroppedHelp = "Spans not sent to the collector, by reason";
    constexpr std::string_view kDropped = "centinela_tracing_spans_dropped_total";
    Metrics m{registry.counter("centinela_tracing_spans_exported_total",
                               "Spans the OTLP collector accepted"),
              registry.counter(kDropped, kDroppedHelp, {{"reason", "queue_full"}}),
              registry.counter(kDropped, kDroppedHelp, {{"reason", "export_failed"}}),
              registry.counter(kDropped, kDroppedHelp, {{"reason", "shutdown"}}),
              {}};
    for (PostResult r : {PostResult::connect_failed, PostResult::timeout, PostResult::http_error,
                         PostResult::io_error}) {
      m.failures.emplace_back(
          r, &registry.counter("centinela_tracing_export_failures_total",
                               "OTLP exports that failed (their spans are dropped), by reason",
                               {{"reason", std::string(failure_reason(r))}}));
    }
    return m;
  }

  void count_failure(PostResult result) {
    for (auto& [kind, counter] : failures) {
      if (kind == result) counter->inc();
    }
  }
};

}  // namespace

struct SpanExporter::State {
  explicit State(unsigned worker_count) : workers(worker_count == 0 ? 1 : worker_count) {}

  const unsigned workers;
  Metrics metrics = Metrics::make();
  // Made once (configure), read by workers and the thread after `ready`.
  std::vector<std::unique_ptr<SpanRing>> rings;
  std::atomic<bool> ready{false};

  std::mutex mutex;
  std::condition_variable wake;
  std::shared_ptr<const Settings> settings;  // null: never configured
  bool stopping = false;
  Clock::time_point stop_deadline;
  std::thread thread;

  // The thread's own.
  std::string body;
  OtlpJsonEncoder encoder;
  bool failing = false;  // the last export failed (logged once per outage)

  void run();
  std::size_t queued() const;
  std::size_t encode_batch(const Settings& settings);
  void send(const Settings& settings, Clock::time_point deadline);
  void drop_all(observe::Counter& reason);
};

std::size_t SpanExporter::State::queued() const {
  std::size_t total = 0;
  for (const auto& ring : rings) total += ring->available();
  return total;
}

// Takes records oldest-first from each ring in turn into `body` until the
// batch holds max_spans spans (at least one request), and frees their slots.
std::size_t SpanExporter::State::encode_batch(const Settings& s) {
  encoder.begin(body, s.tracing.service_name);
  const std::size_t max_spans = s.tracing.batch_max_spans;
  bool full = false;
  for (const auto& ring : rings) {
    const std::size_t available = ring->available();
    std::size_t taken = 0;
    while (taken < available && !full) {
      // A request brings up to two spans.
      if (encoder.spans() > 0 && encoder.spans() + 2 > max_spans) {
        full = true;
        break;
      }
      encoder.add(body, ring->at(taken), s.redaction);
      ++taken;
    }
    ring->release(taken);
    if (full) break;
  }
  encoder.end(body);
  return encoder.spans();
}

void SpanExporter::State::send(const Settings& s, Clock::time_point deadline) {
  const std::size_t spans = encode_batch(s);
  if (spans == 0) return;
  const PostOutcome outcome =
      post_json(s.tracing.collector, s.tracing.path, s.tracing.headers, body, deadline);
  if (outcome.result == PostResult::ok) {
    metrics.exported.inc(spans);
    if (failing) {
      observe::log_event(observe::Level::info, "tracing export recovered",
                         {{"collector", s.tracing.otlp_endpoint}});
    }
    failing = false;
    return;
  }
  metrics.export_failed.inc(spans);
  metrics.count_failure(outcome.result);
  if (!failing) {
    observe::log_event(observe::Level::warn, "tracing export failed, dropping spans until it works",
                       {{"collector", s.tracing.otlp_endpoint},
                        {"reason", failure_reason(outcome.result)},
                        {"status", outcome.status}});
  }
  failing = true;
}

void SpanExporter::State::drop_all(observe::Counter& reason) {
  for (const auto& ring : rings) {
    std::size_t spans = 0;
    const std::size_t available = ring->available();
    for (std::size_t i = 0; i < available; ++i) {
      spans += ring->at(i).client_span_id[0] != 0 ? 2 : 1;
    }
    ring->release(available);
    reason.inc(spans);
  }
}

void SpanExporter::State::run() {
  Clock::time_point last_export = Clock::now();
  for (;;) {
    std::shared_ptr<const Settings> current;
    bool stop = false;
    Clock::time_point deadline;
    {
      std::unique_lock lock(mutex);
      // Never configured: nothing can come before configure() or shutdown().
      if (settings == nullptr) wake.wait(lock, [&] { return stopping || settings != nullptr; });
      wake.wait_for(lock, kPollInterval, [&] { return stopping; });
      current = settings;
      stop = stopping;
      deadline = stop_deadline;
    }
    if (!ready.load(std::memory_order_acquire) || current == nullptr) {
      if (stop) return;
      continue;
    }
    const Clock::time_point now = Clock::now();
    const std::size_t waiting = queued();
    if (stop && (waiting == 0 || now >= deadline)) {
      drop_all(metrics.shutdown);
      return;
    }
    const bool due =
        waiting >= current->tracing.batch_max_spans ||
        (waiting > 0 && (stop || now - last_export >= current->tracing.batch_interval));
    if (!due) continue;
    Clock::time_point post_deadline = now + current->tracing.timeout;
    if (stop && deadline < post_deadline) post_deadline = deadline;
    send(*current, post_deadline);
    last_export = Clock::now();
  }
}

SpanExporter::SpanExporter(unsigned workers) : state_(std::make_unique<State>(workers)) {
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

SpanExporter::~SpanExporter() { shutdown(kDestructorGrace); }

void SpanExporter::configure(const std::optional<config::TracingConfig>& tracing,
                             const config::LogConfig& log) {
  State& s = *state_;
  if (!tracing) return;  // the settings stay: what is queued still goes out
  if (!s.ready.load(std::memory_order_acquire)) {
    const std::size_t per_worker = (tracing->max_queue + s.workers - 1) / s.workers;
    for (unsigned i = 0; i < s.workers; ++i)
      s.rings.push_back(std::make_unique<SpanRing>(per_worker));
    s.ready.store(true, std::memory_order_release);
  }
  auto next = std::make_shared<Settings>();
  next->tracing = *tracing;
  next->redaction = observe::make_access_log_format(log);
  {
    std::lock_guard lock(s.mutex);
    s.settings = std::move(next);
  }
  s.wake.notify_all();
}

void SpanExporter::shutdown(std::chrono::milliseconds grace) {
  State& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    if (!s.stopping) {
      s.stopping = true;
      s.stop_deadline = Clock::now() + grace;
    }
  }
  s.wake.notify_all();
  if (s.thread.joinable()) s.thread.join();
}

SpanRecord* SpanExporter::claim(unsigned worker) noexcept {
  State& s = *state_;
  if (!s.ready.load(std::memory_order_acquire) || worker >= s.rings.size()) return nullptr;
  return s.rings[worker]->claim();
}

void SpanExporter::publish(unsigned worker) noexcept { state_->rings[worker]->publish(); }

void SpanExporter::count_queue_full(unsigned spans) noexcept {
  state_->metrics.queue_full.inc(spans);
}

}  // namespace centinela::tracing
