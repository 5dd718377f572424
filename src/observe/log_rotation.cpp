#include "observe/log_rotation.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>

#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

namespace fs = std::filesystem;

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct RotatedName {
  std::string timestamp;  // YYYYMMDD-HHMMSS: sorts chronologically as text
  unsigned sequence = 0;
};

// Parses the part after "BASENAME." of a directory entry.
std::optional<RotatedName> parse_rotated_suffix(std::string_view suffix) {
  if (suffix.ends_with(".gz")) suffix.remove_suffix(3);
  if (suffix.size() < 15 || !all_digits(suffix.substr(0, 8)) || suffix[8] != '-' ||
      !all_digits(suffix.substr(9, 6))) {
    return std::nullopt;
  }
  RotatedName name{std::string(suffix.substr(0, 15)), 0};
  suffix.remove_prefix(15);
  if (suffix.empty()) return name;
  if (suffix[0] != '.' || !all_digits(suffix.substr(1))) return std::nullopt;
  const auto [ptr, ec] =
      std::from_chars(suffix.data() + 1, suffix.data() + suffix.size(), name.sequence);
  if (ec != std::errc()) return std::nullopt;
  return name;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

}  // namespace

std::string rotated_file_name(const std::string& path, std::chrono::system_clock::time_point now) {
  std::string base = path + ".";
  append_compact_timestamp(base, now);
  std::string candidate = base;
  for (unsigned sequence = 1; exists(candidate) || exists(candidate + ".gz"); ++sequence) {
    candidate = base + "." + std::to_string(sequence);
  }
  return candidate;
}

std::vector<std::string> list_rotated_files(const std::string& path) {
  const fs::path log_path(path);
  const std::string prefix = log_path.filename().string() + ".";
  fs::path directory = log_path.parent_path();
  if (directory.empty()) directory = ".";

  std::vector<std::pair<RotatedName, std::string>> found;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    if (auto parsed = parse_rotated_suffix(std::string_view(name).substr(prefix.size()))) {
      found.emplace_back(std::move(*parsed), it->path().string());
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.first.timestamp != b.first.timestamp) return a.first.timestamp < b.first.timestamp;
    if (a.first.sequence != b.first.sequence) return a.first.sequence < b.first.sequence;
    return a.second < b.second;  // x.gz after x (cannot both exist normally)
  });
  std::vector<std::string> paths;
  paths.reserve(found.size());
  for (auto& [name, file] : found) paths.push_back(std::move(file));
  return paths;
}

std::vector<std::string> prune_rotated_files(const std::string& path, unsigned keep) {
  std::vector<std::string> failed;
  const std::vector<std::string> rotated = list_rotated_files(path);
  if (rotated.size() <= keep) return failed;
  for (std::size_t i = 0; i < rotated.size() - keep; ++i) {
    std::error_code ec;
    if (!fs::remove(rotated[i], ec) && ec) failed.push_back(rotated[i]);
  }
  return failed;
}

}  // namespace centinela::observe
