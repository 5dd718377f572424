// A route's compression settings in the terms of this library, worked out
// once when the config loads rather than per response.
#pragma once

#include <vector>

#include "compress/coding.h"
#include "config/config.h"

namespace centinela::compress {

// The level the config sets for `coding` (0 for identity).
int level_for(Coding coding, const config::CompressionLevels& levels);

// The route's algorithms as codings, in the configured order of preference
// (the `offered` argument of negotiate()); unknown names are skipped.
std::vector<Coding> offered_codings(const config::CompressionConfig& config);

}  // namespace centinela::compress
