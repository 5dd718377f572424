// GCRA (the generic cell rate algorithm): token-bucket semantics from one
// number per key, the theoretical arrival time (TAT).
//
// With emission interval T = window / limit and tolerance = T * burst, a
// request at `now` is admitted when max(TAT, now) + T - now <= tolerance, and
// then TAT becomes max(TAT, now) + T. A new key (TAT <= now) may therefore
// spend `burst` at once and afterwards earns one request every T, so over any
// interval of length X at most burst + X / T <= burst + limit * X / window
// requests are admitted. A key whose TAT is in the past is in the same state
// as a key never seen, which is what lets a store forget it.
#pragma once

#include <cstdint>

#include "limit/decision.h"
#include "limit/policy.h"

namespace centinela::limit {

// Decides for one request and updates `tat` when it is admitted. `tat` of a
// new key is 0 (or anything <= now).
Decision gcra_decide(std::int64_t& tat, const Policy& policy, std::int64_t now_ns);

// The state of a key without spending anything: remaining and reset as they
// are now; allowed says whether one more request would be admitted.
Decision gcra_peek(std::int64_t tat, const Policy& policy, std::int64_t now_ns);

}  // namespace centinela::limit
