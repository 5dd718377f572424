#include "cache/status_ttl.h"

#include <algorithm>
#include <chrono>

#include "cache/directives.h"

namespace centinela::cache {
namespace {

bool matches(const std::string& pattern, unsigned status) {
  if (pattern == "any") return true;
  if (pattern.size() != 3 || status < 100 || status > 599) return false;
  const char digits[3] = {static_cast<char>('0' + status / 100),
                          static_cast<char>('0' + status / 10 % 10),
                          static_cast<char>('0' + status % 10)};
  if (pattern[1] == 'x') return pattern[0] == digits[0];
  return pattern[0] == digits[0] && pattern[1] == digits[1] && pattern[2] == digits[2];
}

}  // namespace

std::optional<std::int64_t> status_ttl(const config::CacheOverrideConfig& rules, unsigned status) {
  // The config keeps the entries ordered: codes, classes, any.
  for (const config::StatusTtl& entry : rules.ttl_by_status) {
    if (!matches(entry.status, status)) continue;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(entry.ttl).count();
    return std::clamp<std::int64_t>(seconds, 0, kMaxDeltaSeconds);
  }
  return std::nullopt;
}

}  // namespace centinela::cache
