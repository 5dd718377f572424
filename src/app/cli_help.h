// The CLI's help texts: the overview (`centinela --help`) and one page per
// command (`centinela COMMAND --help`).
#pragma once

#include <string_view>

namespace centinela::app {

extern const std::string_view kUsage;

// The page of `command` ("run", "check", "warm", "version"); kUsage for any other.
std::string_view command_help(std::string_view command);

}  // namespace centinela::app
