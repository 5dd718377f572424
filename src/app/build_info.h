// What `centinela version` reports: the release, the commit it was built
// from, the build type, the compiler, and the optional features compiled in
// — the first things to ask for in a bug report.
#pragma once

#include <string>

namespace centinela::app {

// "centinela 0.1.0 (commit 1a2b3c4d5e6f, RelWithDebInfo, GCC 12.2.0)\nfeatures: ..."
std::string version_text();
// {"version":…,"commit":…,"build_type":…,"compiler":…,"features":[…]}
std::string version_json();

}  // namespace centinela::app
