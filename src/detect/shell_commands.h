// The command names detect_shell looks for (generated: shell_commands.cpp,
// by scripts/detect/gen_tables.py), lower-case and sorted.
#pragma once

#include <span>
#include <string_view>

namespace centinela::detect {

// Commands that are no everyday word (whoami, wget, powershell, …).
std::span<const std::string_view> shell_commands();
// Commands that are also words (cat, more, find, type, …): they count only
// when the text after them reads as a command line.
std::span<const std::string_view> shell_word_commands();

}  // namespace centinela::detect
