// What `centinela warm` prints: a progress line while it runs, a summary at
// the end.
#pragma once

#include <chrono>
#include <string>

#include "warm/warmer.h"

namespace centinela::warm {

// "warm: 120/500 done, 3 failed, 85 req/s"
std::string progress_line(const WarmProgress& progress);

// "warm: finished 500 URLs in 5.9 s: 480 cached, 17 not cacheable, 3 failed (85 req/s)"
// ("warm: cancelled after ..." when cut short).
std::string summary_line(const WarmSummary& summary);

// Lets an update through at most once per `interval`, the first one
// `interval` after `start`: a run shorter than that shows no progress line.
class ProgressThrottle {
 public:
  explicit ProgressThrottle(
      std::chrono::steady_clock::duration interval,
      std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now())
      : interval_(interval), last_(start) {}
  bool due(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace centinela::warm
