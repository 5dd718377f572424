// System files a traversal reaches for (generated: path_files.cpp, from
// CRS's lfi-os-files.data by scripts/detect/gen_tables.py), relative to the
// root, lower-case, sorted; a directory ends with '/'.
#pragma once

#include <span>
#include <string_view>

namespace centinela::detect {

std::span<const std::string_view> system_files();

}  // namespace centinela::detect
