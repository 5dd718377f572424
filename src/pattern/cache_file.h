// Files of the compile cache: a magic line, the SHA-256 of the payload, the
// payload. Reading checks all three, so a torn write, a flipped bit or a
// foreign file reads as absent (the caller recompiles and rewrites it);
// writing goes through a temporary file renamed over the name. Internal.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace centinela::pattern::detail {

// The payload of dir/name, if the file is whole and carries `magic`.
std::optional<std::string> read_cache_file(const std::filesystem::path& dir,
                                           const std::string& name, std::string_view magic);

// Creates `dir` if needed; false when the file could not be written.
bool write_cache_file(const std::filesystem::path& dir, const std::string& name,
                      std::string_view magic, std::string_view payload);

// A cache file name: hex SHA-256 of `material` plus `extension`.
std::string cache_file_name(std::string_view material, std::string_view extension);

}  // namespace centinela::pattern::detail
