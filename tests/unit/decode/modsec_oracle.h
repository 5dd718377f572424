// libmodsecurity3 (the installed 3.0.9) running one transformation, for
// comparing the decode library with it. Test-only: it reaches the
// transformation classes through their exported symbols, which the public
// headers do not declare.
#pragma once

#include <string>

#include "decode/transform.h"

namespace centinela::decode::testing {

// What ModSecurity's `t:NAME` makes of `input`.
std::string modsec_transform(Transform t, const std::string& input);

}  // namespace centinela::decode::testing
