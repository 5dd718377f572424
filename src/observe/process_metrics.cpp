#include "observe/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "observe/prometheus_text.h"

namespace centinela::observe {
namespace {

std::string read_small_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Boot time from /proc/stat's "btime" line; it never changes, so read it once.
std::uint64_t boot_time_seconds() {
  static const std::uint64_t boot_time = [] {
    std::istringstream stat(read_small_file("/proc/stat"));
    std::string key;
    std::uint64_t value = 0;
    while (stat >> key) {
      if (key == "btime" && (stat >> value)) return value;
      stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return std::uint64_t{0};
  }();
  return boot_time;
}

std::uint64_t count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count > 0 ? count - 1 : 0;  // the directory stream's own descriptor
}

void append_family(std::vector<std::pair<std::string, std::string>>& out, const char* name,
                   const char* help, const char* type, auto value) {
  std::string text;
  prometheus::append_family_header(text, name, help, type);
  text.append(name).push_back(' ');
  prometheus::append_value(text, value);
  text.push_back('\n');
  out.emplace_back(name, std::move(text));
}

}  // namespace

ProcessStats read_process_stats() {
  ProcessStats stats;
  const std::string stat = read_small_file("/proc/self/stat");
  // The command name (field 2) is in parentheses and may contain spaces or
  // parentheses itself: fields are counted from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return stats;

  std::vector<std::string_view> fields;  // fields[0] is field 3 (state)
  std::string_view rest(stat);
  rest.remove_prefix(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = std::min(rest.find(' '), rest.size());
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  if (fields.size() < 22) return stats;
  const auto field = [&](int number) {
    std::uint64_t value = 0;
    const std::string_view text = fields[static_cast<std::size_t>(number - 3)];
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  };

  const auto ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page_size = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  stats.cpu_seconds = static_cast<double>(field(14) + field(15)) / ticks_per_second;
  stats.start_time_seconds =
      static_cast<double>(boot_time_seconds()) + static_cast<double>(field(22)) / ticks_per_second;
  stats.virtual_memory_bytes = field(23);
  stats.resident_memory_bytes = field(24) * page_size;
  stats.open_fds = count_open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = limit.rlim_cur;
  stats.available = true;
  return stats;
}

std::vector<std::pair<std::string, std::string>> render_process_families(
    const ProcessStats& stats) {
  std::vector<std::pair<std::string, std::string>> families;
  if (!stats.available) return families;
  append_family(families, "process_cpu_seconds_total",
                "Total user and system CPU time spent in seconds.", "counter", stats.cpu_seconds);
  append_family(families, "process_max_fds", "Maximum number of open file descriptors.", "gauge",
                stats.max_fds);
  append_family(families, "process_open_fds", "Number of open file descriptors.", "gauge",
                stats.open_fds);
  append_family(families, "process_resident_memory_bytes", "Resident memory size in bytes.",
                "gauge", stats.resident_memory_bytes);
  append_family(families, "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.", "gauge",
                stats.start_time_seconds);
  append_family(families, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
                stats.virtual_memory_bytes);
  return families;
}

}  // namespace centinela::observe
