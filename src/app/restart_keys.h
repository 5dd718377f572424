// Keys a reload cannot apply: the listeners and worker threads are made at
// start, and the cache's memory is sized then. A reload that changes one
// applies everything else and warns, naming each key, so an operator is not
// left believing a new port or cache size is live.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::app {

// The restart-only keys whose values differ, in the order the docs list them.
std::vector<std::string_view> restart_only_changes(const config::Config& running,
                                                   const config::Config& next);

}  // namespace centinela::app
