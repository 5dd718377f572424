#include "limit/sliding_window.h"

#include <algorithm>
#include <new>

namespace centinela::limit {

SlidingLog::~SlidingLog() { delete[] times_; }

void SlidingLog::drop_until(std::int64_t horizon) {
  while (count_ > 0 && times_[head_] <= horizon) {
    head_ = (head_ + 1) % capacity_;
    --count_;
  }
  if (count_ == 0) head_ = 0;
}

bool SlidingLog::push(std::int64_t time, std::uint64_t max_entries) {
  const std::uint64_t cap_limit = std::min<std::uint64_t>(max_entries, UINT32_MAX);
  if (count_ == capacity_) {
    if (capacity_ >= cap_limit) return false;
    const auto grown = static_cast<std::uint32_t>(std::min<std::uint64_t>(
        cap_limit, std::max<std::uint64_t>(4, std::uint64_t{capacity_} * 2)));
    auto* times = new (std::nothrow) std::int64_t[grown];
    if (times == nullptr) return false;
    for (std::uint32_t i = 0; i < count_; ++i) times[i] = times_[(head_ + i) % capacity_];
    delete[] times_;
    times_ = times;
    capacity_ = grown;
    head_ = 0;
  }
  times_[(head_ + count_) % capacity_] = time;
  ++count_;
  return true;
}

Decision sliding_window_peek(SlidingLog& log, const Policy& policy, std::int64_t now_ns) {
  log.drop_until(now_ns - policy.window_ns);
  Decision decision;
  const std::uint64_t used = log.count();
  decision.remaining = used >= policy.limit ? 0 : policy.limit - used;
  decision.allowed = decision.remaining > 0;
  if (used > 0) {
    decision.reset_ns = log.newest() + policy.window_ns - now_ns;
    if (!decision.allowed) {
      // The (used - limit + 1)-th oldest must leave; with used == limit (the
      // usual case) that is the oldest.
      decision.retry_after_ns = log.oldest() + policy.window_ns - now_ns;
    }
  }
  return decision;
}

Decision sliding_window_decide(SlidingLog& log, const Policy& policy, std::int64_t now_ns) {
  Decision decision = sliding_window_peek(log, policy, now_ns);
  if (!decision.allowed) return decision;
  if (!log.push(now_ns, policy.limit)) {
    // Out of memory for this key: refuse rather than admit uncounted.
    decision.allowed = false;
    decision.retry_after_ns = policy.window_ns;
    return decision;
  }
  decision.remaining -= 1;
  decision.reset_ns = policy.window_ns;
  return decision;
}

}  // namespace centinela::limit
