#include "observe/slow_requests.h"

#include <algorithm>
#include <cstring>

#include "observe/worker_index.h"

namespace centinela::observe {
namespace {

template <std::size_t N>
void copy_into(std::array<char, N>& to, std::string_view from) {
  const std::size_t n = std::min(from.size(), N - 1);
  std::memcpy(to.data(), from.data(), n);
  to[n] = '\0';
}

// The longest of `origin` into `out`, longest first (insertion: a handful).
template <std::size_t N>
void keep_longest(std::array<SlowOriginTiming, N>& out, std::span<const OriginTiming> origin) {
  std::size_t kept = 0;
  for (const OriginTiming& timing : origin) {
    std::size_t at = kept;
    while (at > 0 && out[at - 1].dur_ms < timing.dur_ms) --at;
    if (at >= N) continue;
    for (std::size_t i = std::min(kept, N - 1); i > at; --i) out[i] = out[i - 1];
    copy_into(out[at].name, timing.name);
    out[at].dur_ms = static_cast<float>(timing.dur_ms);
    kept = std::min(kept + 1, N);
  }
}

}  // namespace

SlowRequest make_slow_request(std::int64_t unix_ms, std::string_view request_id,
                              std::string_view route, std::string_view method,
                              std::string_view path, unsigned status, double total_ms,
                              double connect_ms, double first_byte_ms, double upstream_total_ms,
                              std::span<const OriginTiming> origin) {
  SlowRequest out;
  out.unix_ms = unix_ms;
  copy_into(out.request_id, request_id);
  copy_into(out.route, route);
  copy_into(out.method, method);
  copy_into(out.path, path);
  out.status = status;
  out.total_ms = static_cast<float>(total_ms);
  keep_longest(out.origin, origin);
  if (upstream_total_ms >= 0) {
    const double connect = std::max(connect_ms, 0.0);
    out.connect_ms = static_cast<float>(connect);
    out.first_byte_ms = static_cast<float>(first_byte_ms);
    out.transfer_ms = static_cast<float>(std::max(upstream_total_ms - first_byte_ms, 0.0));
    out.gateway_ms = static_cast<float>(std::max(total_ms - connect - upstream_total_ms, 0.0));
  }
  return out;
}

SlowRequests::SlowRequests(unsigned slots)
    : rings_(std::make_unique<Ring[]>(slots == 0 ? 1 : slots)), slots_(slots == 0 ? 1 : slots) {}

void SlowRequests::record(const SlowRequest& request) noexcept {
  Ring& ring = rings_[current_worker_index() % slots_];
  const std::lock_guard lock(ring.mutex);
  ring.entries[ring.next] = request;
  ring.next = (ring.next + 1) % kPerWorker;
  ring.size = std::min(ring.size + 1, kPerWorker);
}

std::vector<SlowRequest> SlowRequests::slowest(std::size_t limit) const {
  std::vector<SlowRequest> all;
  for (unsigned s = 0; s < slots_; ++s) {
    const std::lock_guard lock(rings_[s].mutex);
    all.insert(all.end(), rings_[s].entries.begin(),
               rings_[s].entries.begin() + static_cast<std::ptrdiff_t>(rings_[s].size));
  }
  std::sort(all.begin(), all.end(),
            [](const SlowRequest& a, const SlowRequest& b) { return a.total_ms > b.total_ms; });
  if (all.size() > limit) all.resize(limit);
  return all;
}

}  // namespace centinela::observe
