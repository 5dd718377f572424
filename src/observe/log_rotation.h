// Names and retention of rotated log files: PATH.YYYYMMDD-HHMMSS[.N][.gz].
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace centinela::observe {

// A free name for rotating `path` now: PATH.YYYYMMDD-HHMMSS (UTC), with .1,
// .2... appended when that name (or its .gz) is already taken.
std::string rotated_file_name(const std::string& path, std::chrono::system_clock::time_point now);

// Rotated files of `path` in its directory, oldest first.
std::vector<std::string> list_rotated_files(const std::string& path);

// Deletes all but the newest `keep` rotated files of `path`. Returns the
// paths it could not delete.
std::vector<std::string> prune_rotated_files(const std::string& path, unsigned keep);

}  // namespace centinela::observe
