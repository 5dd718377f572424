// The exporter of traced requests' spans: each worker fills records into its
// own bounded ring (span_ring.h); one background thread batches them (up to
// `batch.max_spans`, or whatever waited `batch.interval`) and POSTs them as
// OTLP/HTTP JSON to the collector. A collector that is down, slow or refusing
// costs the workers nothing: a full ring drops the request's spans and counts
// them, a failed export drops its batch and counts it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "config/config.h"
#include "tracing/span_record.h"

namespace centinela::tracing {

class SpanExporter {
 public:
  // `workers`: how many workers fill rings (each its own). Starts the thread.
  explicit SpanExporter(unsigned workers);
  // Sends what is queued for up to 1 s, then joins the thread.
  ~SpanExporter();
  SpanExporter(const SpanExporter&) = delete;
  SpanExporter& operator=(const SpanExporter&) = delete;

  // Main thread, at start and on every reload: the collector, batching and
  // redaction the next export uses (spans already queued go there too).
  // Absent `tracing`: what is queued is still sent, then nothing more comes.
  // The first call with `tracing` makes the rings (`max_queue` spread over
  // the workers); a later max_queue applies after a restart.
  void configure(const std::optional<config::TracingConfig>& tracing, const config::LogConfig& log);

  // Worker `worker`'s thread: `fill(SpanRecord&)` into a free slot of its
  // ring; when the ring is full, the request's `spans` are counted dropped.
  template <typename Fill>
  void record(unsigned worker, unsigned spans, Fill&& fill) {
    SpanRecord* slot = claim(worker);
    if (slot == nullptr) {
      count_queue_full(spans);
      return;
    }
    fill(*slot);
    publish(worker);
  }

  // Sends what is queued until `grace` has passed, drops (and counts) the
  // rest, and stops the thread. Later calls do nothing.
  void shutdown(std::chrono::milliseconds grace);

 private:
  SpanRecord* claim(unsigned worker) noexcept;
  void publish(unsigned worker) noexcept;
  void count_queue_full(unsigned spans) noexcept;

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace centinela::tracing
