#include "net/span_export.h"

#include "net/worker.h"
#include "tracing/request_spans.h"
#include "tracing/span_exporter.h"

namespace centinela::net {

void export_spans(Worker& worker, const stage::TraceContext& trace,
                  const observe::AccessLogRecord& record, const UpstreamTimings& upstream,
                  SteadyTime start, SteadyTime end) {
  tracing::SpanExporter* exporter = worker.shared().spans;
  if (!trace.traced || exporter == nullptr) return;
  const auto wall = [&](SteadyTime at) {
    return record.start +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(at - start);
  };
  std::optional<tracing::UpstreamCall> call;
  if (upstream.began != SteadyTime{}) {
    const SteadyTime ended = upstream.ended != SteadyTime{} ? upstream.ended : end;
    call = tracing::UpstreamCall{wall(upstream.began), wall(ended)};
  }
  exporter->record(worker.index(), tracing::span_count(call), [&](tracing::SpanRecord& slot) {
    tracing::fill_span_record(slot, trace, record, wall(end), call);
  });
}

}  // namespace centinela::net
