#include <algorithm>
#include <array>
#include <optional>

#include "detect/detect.h"
#include "detect/path_files.h"

namespace centinela::detect {
namespace {

constexpr std::size_t kMaxFileSegments = 10;  // the deepest entry has 10
constexpr std::size_t kMaxFileBytes = 128;

bool is_separator(char c) { return c == '/' || c == '\\'; }
// Bytes that end one path and start another inside a value (x=/etc/passwd,
// two paths in prose, file:, C:).
bool starts_path(char c) {
  return c == '=' || c == '?' || c == '&' || c == ' ' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '|' || c == ',' || c == ':' || c == '\n' || c == '\t';
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// "..", "....", "..;", ".. ": a step up (filters that strip "../" once
// turn "....//" into "../"; Tomcat reads "..;" as "..").
bool is_parent(std::string_view segment) {
  while (!segment.empty() && (segment.back() == ';' || segment.back() == ' ' ||
                              segment.back() == 0 || segment.back() == '\t')) {
    segment.remove_suffix(1);
  }
  return segment.size() >= 2 && segment.find_first_not_of('.') == std::string_view::npos;
}

struct Walk {
  int climb = 0;        // furthest above where the path started
  bool rooted = false;  // the path starts at a root (/, C:, file:)
  std::size_t first_parent = std::string_view::npos;
  std::size_t last_parent_end = 0;
  std::size_t tail = std::string_view::npos;  // where a file name may start
};

Walk walk(std::string_view value) {
  Walk w;
  int depth = 0;
  std::size_t start = 0;
  if (!value.empty() && is_separator(value[0])) {
    w.rooted = true;
    w.tail = 0;
  }
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && !is_separator(value[i])) continue;
    std::string_view segment = value.substr(start, i - start);
    std::size_t segment_start = start;
    start = i + 1;
    const auto cut = std::find_if(segment.rbegin(), segment.rend(), starts_path);
    if (cut != segment.rend()) {
      const std::size_t keep = static_cast<std::size_t>(cut - segment.rbegin());
      segment_start += segment.size() - keep;
      segment = segment.substr(segment.size() - keep);
      depth = 0;  // a new path begins inside this segment
      if (segment.empty() && i < value.size()) {
        w.rooted = true;
        w.tail = i;
      }
    }
    if (segment.empty() || segment == ".") continue;
    if (is_parent(segment)) {
      if (--depth < 0) w.climb = std::max(w.climb, -depth);
      if (w.first_parent == std::string_view::npos) w.first_parent = segment_start;
      w.last_parent_end = i;
      w.tail = i;
    } else {
      ++depth;
    }
  }
  return w;
}

// A system file named from `at` on: the next segments (up to the deepest
// entry) looked up one prefix at a time.
std::optional<std::string_view> find_file(std::string_view name) {
  const auto files = system_files();
  const auto it = std::lower_bound(files.begin(), files.end(), name);
  return it != files.end() && *it == name ? std::optional<std::string_view>(*it) : std::nullopt;
}

std::optional<std::string_view> file_at(std::string_view value, std::size_t at, std::size_t& end) {
  while (at < value.size() && is_separator(value[at])) ++at;
  std::array<char, kMaxFileBytes> name;
  std::size_t n = 0;
  std::size_t segments = 0;
  for (std::size_t i = at; i <= value.size(); ++i) {
    const bool stop = i == value.size() || value[i] == 0 || value[i] == '?' || value[i] == '#';
    if (!stop && !is_separator(value[i])) {
      if (n == name.size()) return std::nullopt;
      name[n++] = lower(value[i]);
      continue;
    }
    if (n == 0 || n == name.size()) return std::nullopt;
    end = i;
    if (auto file = find_file({name.data(), n})) return file;
    name[n++] = '/';  // a directory entry: ".git/"
    if (!stop) {
      if (auto directory = find_file({name.data(), n})) return directory;
    }
    if (stop || ++segments == kMaxFileSegments) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Detection> detect_path(std::string_view value) {
  if (value.size() > UINT32_MAX || value.find_first_of("/\\") == std::string_view::npos) {
    return std::nullopt;
  }
  const Walk w = walk(value);
  if (w.climb >= 2) {
    return Detection{Kind::path, "traversal", static_cast<std::uint32_t>(w.first_parent),
                     static_cast<std::uint32_t>(w.last_parent_end)};
  }
  if ((w.climb >= 1 || w.rooted) && w.tail != std::string_view::npos) {
    std::size_t end = 0;
    if (auto file = file_at(value, w.tail, end)) {
      const std::size_t begin = w.first_parent != std::string_view::npos ? w.first_parent : w.tail;
      return Detection{Kind::path, *file, static_cast<std::uint32_t>(begin),
                       static_cast<std::uint32_t>(end)};
    }
  }
  return std::nullopt;
}

}  // namespace centinela::detect
