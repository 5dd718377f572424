// The standard process_* metrics (what the Prometheus client libraries
// export), read from /proc at scrape time. Also used by /health for RSS.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace centinela::observe {

struct ProcessStats {
  bool available = false;  // false when /proc/self/stat could not be read
  std::uint64_t resident_memory_bytes = 0;
  std::uint64_t virtual_memory_bytes = 0;
  double cpu_seconds = 0;  // user + system
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;      // soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // since the Unix epoch
};

ProcessStats read_process_stats();

// Each process_* family as (name, rendered text), so the registry can merge
// them into its sorted output. Empty when the stats are not available.
std::vector<std::pair<std::string, std::string>> render_process_families(const ProcessStats& stats);

}  // namespace centinela::observe
