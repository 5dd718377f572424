#include "observe/access_log.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "observe/access_log_format.h"
#include "observe/event_log.h"
#include "observe/log_file.h"
#include "observe/metrics.h"
#include "observe/worker_index.h"

namespace centinela::observe {
namespace {

using namespace std::chrono_literals;

constexpr auto kWriteInterval = 50ms;
// A buffer this full wakes the writer early instead of waiting out the interval.
constexpr std::size_t kWakeThreshold = std::size_t{256} * 1024;
// Per worker; beyond it (the sink cannot keep up) lines are dropped and counted.
constexpr std::size_t kMaxBacklog = std::size_t{16} * 1024 * 1024;
// Buffers that grew past this during a burst are given back after writing.
constexpr std::size_t kRetainedCapacity = std::size_t{1024} * 1024;
constexpr auto kDropReportInterval = 10s;

// One per worker. Its mutex is taken by that worker for each line and by the
// writer thread for a swap every interval: practically never contended.
struct alignas(64) WorkerBuffer {
  std::mutex mutex;
  std::shared_ptr<const AccessLogFormat> format;
  std::string lines;      // access log lines (and incidents sharing its sink)
  std::string warnings;   // event-log lines for slow requests
  std::string incidents;  // incident lines for their own sink
  std::uint64_t dropped = 0;
  bool wake_sent = false;
  bool incidents_with_access = false;
};

void give_back_if_large(std::string& buffer) {
  buffer.clear();
  if (buffer.capacity() > kRetainedCapacity) std::string().swap(buffer);
}

}  // namespace

// The incident log's sink: its own, or none when it shares the access log's.
config::AccessLogConfig incident_sink_config(const config::LogConfig& cfg,
                                             const config::IncidentLogConfig& incidents) {
  config::AccessLogConfig sink{incidents.enabled, incidents.path, incidents.rotate};
  if (!incidents.enabled || incidents.path.empty() || incidents.path == cfg.access.path) {
    sink.enabled = false;
    sink.path = "off";
  }
  return sink;
}

bool incidents_share_access_sink(const config::LogConfig& cfg,
                                 const config::IncidentLogConfig& incidents) {
  return incidents.enabled && incidents.path == cfg.access.path && cfg.access.enabled;
}

struct AccessLog::State {
  State(const config::LogConfig& cfg, const config::IncidentLogConfig& incidents)
      : dropped_total(Registry::global().counter(
            "centinela_access_log_dropped_total",
            "Access log lines dropped because the log writer could not keep up.")) {
    set_format(cfg, incidents);
    writer = std::thread([this, initial_sink = cfg.access,
                          initial_incidents = incident_sink_config(cfg, incidents)] {
      sink.open(initial_sink);
      incident_sink.open(initial_incidents);
      run();
    });
  }

  void set_format(const config::LogConfig& cfg, const config::IncidentLogConfig& incidents) {
    auto format = std::make_shared<const AccessLogFormat>(make_access_log_format(cfg));
    const bool share = incidents_share_access_sink(cfg, incidents);
    for (WorkerBuffer& buffer : buffers) {
      std::lock_guard lock(buffer.mutex);
      buffer.format = format;
      buffer.incidents_with_access = share;
    }
    access_enabled.store(format->enabled, std::memory_order_relaxed);
  }

  // Asks the writer for one more cycle (with a new sink, if given) and waits
  // until it has completed.
  void request_cycle_and_wait(std::optional<config::AccessLogConfig> new_sink,
                              std::optional<config::AccessLogConfig> new_incident_sink) {
    std::unique_lock lock(control_mutex);
    if (new_sink) pending_sink = std::move(new_sink);
    if (new_incident_sink) pending_incident_sink = std::move(new_incident_sink);
    const std::uint64_t ticket = ++requested;
    wake.notify_one();
    done.wait(lock, [&] { return completed >= ticket; });
  }

  void run() {
    std::unique_lock lock(control_mutex);
    for (;;) {
      wake.wait_for(lock, kWriteInterval, [&] {
        return stop || requested > completed || wake_requested.load(std::memory_order_relaxed);
      });
      const std::uint64_t ticket = requested;
      const bool stopping = stop;
      std::optional<config::AccessLogConfig> new_sink = std::move(pending_sink);
      std::optional<config::AccessLogConfig> new_incident_sink = std::move(pending_incident_sink);
      const bool reopen = std::exchange(reopen_requested, false);
      pending_sink.reset();
      pending_incident_sink.reset();
      wake_requested.store(false, std::memory_order_relaxed);
      lock.unlock();

      // What was formatted under the old configuration goes to the old sink.
      drain_buffers();
      if (new_sink) sink.open(*new_sink);
      if (new_incident_sink) incident_sink.open(*new_incident_sink);
      if (reopen) {
        sink.reopen();
        incident_sink.reopen();
      }
      report_drops();

      lock.lock();
      completed = ticket;
      done.notify_all();
      if (stopping) return;
    }
  }

  void drain_buffers() {
    const auto now = std::chrono::system_clock::now();
    for (std::size_t i = 0; i < buffers.size(); ++i) {
      WorkerBuffer& buffer = buffers[i];
      {
        std::lock_guard lock(buffer.mutex);
        if (buffer.lines.empty() && buffer.warnings.empty() && buffer.incidents.empty() &&
            buffer.dropped == 0) {
          continue;
        }
        buffer.lines.swap(spare_lines[i]);
        buffer.warnings.swap(spare_warnings[i]);
        buffer.incidents.swap(spare_incidents[i]);
        unreported_drops += buffer.dropped;
        dropped_total.inc(buffer.dropped);
        buffer.dropped = 0;
        buffer.wake_sent = false;
      }
      sink.write(spare_lines[i], now);
      if (!spare_warnings[i].empty()) write_event_lines(spare_warnings[i]);
      if (!spare_incidents[i].empty()) incident_sink.write(spare_incidents[i], now);
      give_back_if_large(spare_lines[i]);
      give_back_if_large(spare_warnings[i]);
      give_back_if_large(spare_incidents[i]);
    }
  }

  void report_drops() {
    const auto now = std::chrono::steady_clock::now();
    if (unreported_drops == 0 || now - last_drop_report < kDropReportInterval) return;
    log_event(Level::warn, "access log lines dropped", {{"count", unreported_drops}});
    unreported_drops = 0;
    last_drop_report = now;
  }

  std::array<WorkerBuffer, kMaxWorkers> buffers;
  std::atomic<bool> wake_requested{false};
  // The buffers' format.enabled, for enabled(): read without their locks.
  std::atomic<bool> access_enabled{false};

  std::mutex control_mutex;
  std::condition_variable wake;  // to the writer
  std::condition_variable done;  // from the writer: a cycle completed
  bool stop = false;
  std::uint64_t requested = 0;  // cycles asked for by flush/reconfigure
  std::uint64_t completed = 0;
  std::optional<config::AccessLogConfig> pending_sink;
  std::optional<config::AccessLogConfig> pending_incident_sink;
  bool reopen_requested = false;  // SIGUSR1: the files again at their paths

  // Writer thread only.
  LogSink sink;
  LogSink incident_sink;
  std::array<std::string, kMaxWorkers> spare_lines;
  std::array<std::string, kMaxWorkers> spare_warnings;
  std::array<std::string, kMaxWorkers> spare_incidents;
  Counter& dropped_total;
  std::uint64_t unreported_drops = 0;
  std::chrono::steady_clock::time_point last_drop_report{};

  std::thread writer;  // last: started once everything above exists
};

AccessLog::AccessLog(const config::LogConfig& cfg, const config::IncidentLogConfig& incidents)
    : state_(std::make_unique<State>(cfg, incidents)) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(state_->control_mutex);
    state_->stop = true;
  }
  state_->wake.notify_one();
  state_->writer.join();
}

bool AccessLog::enabled() const { return state_->access_enabled.load(std::memory_order_relaxed); }

void AccessLog::write(const AccessLogRecord& record) {
  WorkerBuffer& buffer = state_->buffers[current_worker_index()];
  bool wake_writer = false;
  {
    std::lock_guard lock(buffer.mutex);
    const AccessLogFormat& format = *buffer.format;
    if (!format.enabled) return;
    if (buffer.lines.size() >= kMaxBacklog) {
      ++buffer.dropped;
      return;
    }
    append_access_line(buffer.lines, record, format);
    const Speed speed = classify_speed(speed_basis_ms(record), format.slow_request);
    if (speed >= Speed::slow && buffer.warnings.size() < kMaxBacklog &&
        event_log_enabled(Level::warn)) {
      append_slow_request_warning(buffer.warnings, record, speed, std::chrono::system_clock::now());
    }
    if (buffer.lines.size() >= kWakeThreshold && !buffer.wake_sent) {
      buffer.wake_sent = true;
      wake_writer = true;
    }
  }
  if (wake_writer) {
    // Without the control mutex: a wake-up lost to a race costs at most one
    // interval, and workers never queue behind the writer.
    state_->wake_requested.store(true, std::memory_order_relaxed);
    state_->wake.notify_one();
  }
}

void AccessLog::write_incident(std::string_view line) {
  WorkerBuffer& buffer = state_->buffers[current_worker_index()];
  std::lock_guard lock(buffer.mutex);
  std::string& lines = buffer.incidents_with_access ? buffer.lines : buffer.incidents;
  if (lines.size() >= kMaxBacklog) {
    ++buffer.dropped;
    return;
  }
  lines.append(line);
}

void AccessLog::reconfigure(const config::LogConfig& cfg) {
  reconfigure(cfg, config::IncidentLogConfig{false, {}, {}, 0});
}

void AccessLog::reconfigure(const config::LogConfig& cfg,
                            const config::IncidentLogConfig& incidents) {
  state_->set_format(cfg, incidents);
  state_->request_cycle_and_wait(cfg.access, incident_sink_config(cfg, incidents));
}

void AccessLog::reopen() {
  {
    std::lock_guard lock(state_->control_mutex);
    state_->reopen_requested = true;
  }
  state_->request_cycle_and_wait(std::nullopt, std::nullopt);
}

void AccessLog::flush() { state_->request_cycle_and_wait(std::nullopt, std::nullopt); }

}  // namespace centinela::observe
