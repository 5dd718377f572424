#include "warm/warm_report.h"

#include <fmt/format.h>

namespace centinela::warm {

std::string progress_line(const WarmProgress& progress) {
  return fmt::format("warm: {}/{} done, {} failed, {:.0f} req/s", progress.done, progress.total,
                     progress.failed, progress.requests_per_second());
}

std::string summary_line(const WarmSummary& summary) {
  const double seconds = std::chrono::duration<double>(summary.elapsed).count();
  const std::string head =
      summary.cancelled ? fmt::format("warm: cancelled after {}/{} URLs in {:.1f} s", summary.done,
                                      summary.total, seconds)
                        : fmt::format("warm: finished {} URLs in {:.1f} s", summary.done, seconds);
  return fmt::format("{}: {} cached, {} not cacheable, {} failed ({:.0f} req/s)", head,
                     summary.cached, summary.not_cacheable, summary.failed,
                     summary.requests_per_second());
}

bool ProgressThrottle::due(std::chrono::steady_clock::time_point now) {
  if (now - last_ < interval_) return false;
  last_ = now;
  return true;
}

}  // namespace centinela::warm
