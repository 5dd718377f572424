#include "limit/gcra.h"

#include <algorithm>

namespace centinela::limit {
namespace {

// How many more requests fit when the bucket's debt is `debt_ns`.
std::uint64_t remaining_for(std::int64_t debt_ns, const Policy& policy) {
  const std::int64_t room = policy.tolerance_ns - debt_ns;
  if (room < policy.emission_ns) return 0;
  return static_cast<std::uint64_t>(room / policy.emission_ns);
}

}  // namespace

Decision gcra_decide(std::int64_t& tat, const Policy& policy, std::int64_t now_ns) {
  const std::int64_t base = std::max(tat, now_ns);
  const std::int64_t new_tat = base + policy.emission_ns;
  Decision decision;
  if (new_tat - now_ns > policy.tolerance_ns) {
    decision.allowed = false;
    decision.remaining = 0;
    decision.reset_ns = base - now_ns;
    decision.retry_after_ns = new_tat - now_ns - policy.tolerance_ns;
    return decision;
  }
  tat = new_tat;
  decision.allowed = true;
  decision.remaining = remaining_for(new_tat - now_ns, policy);
  decision.reset_ns = new_tat - now_ns;
  decision.retry_after_ns = 0;
  return decision;
}

Decision gcra_peek(std::int64_t tat, const Policy& policy, std::int64_t now_ns) {
  const std::int64_t debt = std::max<std::int64_t>(tat - now_ns, 0);
  Decision decision;
  decision.remaining = remaining_for(debt, policy);
  decision.allowed = decision.remaining > 0;
  decision.reset_ns = debt;
  decision.retry_after_ns = decision.allowed ? 0 : debt + policy.emission_ns - policy.tolerance_ns;
  return decision;
}

}  // namespace centinela::limit
