// The per-thread scratch an evaluation borrows: PCRE2 match data under the
// engine's limits and Hyperscan scratch grown for every database of the
// rule sets this thread has run.
#pragma once

#include "waf/evaluation.h"

namespace centinela::waf {

struct RuleSet;

// This thread's scratch, ready for `set` (grown on the first use of a new
// rule set, so after a reload; never in steady state).
EvalScratch thread_scratch(const RuleSet& set);

}  // namespace centinela::waf
