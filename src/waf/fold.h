// Load-time folding of a Program (internal to make_program).
//
// A rule that reads only TX values no rule left at run time can write
// (crs-setup's and 901's defaults, `TX:EXECUTING_PARANOIA_LEVEL "@lt 2"`,
// `&TX:crs_exclusions_drupal "@eq 0"`) decides the same for every request:
// it is run once here, its setvars become initial TX values, the rules its
// skipAfter jumps over and those its ctl:ruleRemoveById removes leave the
// program. Repeated until nothing changes, since every removed rule can
// make more TX names constant.
#pragma once

#include "waf/program.h"

namespace centinela::waf {

// Sorts by phase, fills phase_begin, resolves skipAfter to indices.
void index_program(Program& program);

void fold_constants(Program& program);

}  // namespace centinela::waf
