#include <algorithm>
#include <array>
#include <optional>

#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "detect/path_files.h"

namespace centinela::detect {
namespace {

constexpr std::size_t kMaxFileSegments = 10;  // the deepest entry has 10
constexpr std::size_t kMaxFileBytes = 128;

bool is_separator(char c) { return c == '/' || c == '\\'; }

// The bytes of a separator at text[at]: '/' or '\', or the lookalikes
// U+2215 and U+2216 that Windows' best-fit mapping turns into them (the
// fullwidth forms are the caller's NFKC view). 0 for none.
std::size_t separator_at(std::string_view text, std::size_t at) {
  if (is_separator(text[at])) return 1;
  const std::string_view rest = text.substr(at, 3);
  return rest == "\xe2\x88\x95" || rest == "\xe2\x88\x96" ? 3 : 0;
}
// Bytes that end one path and start another inside a value (x=/etc/passwd,
// two paths in prose, file:, C:).
bool starts_path(char c) {
  return c == '=' || c == '?' || c == '&' || c == ' ' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '|' || c == ',' || c == ':' || c == '\n' || c == '\t' || c == 0;
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// "..", "....", "..;", ".. ", "..\xc0": a step up. Filters that strip
// "../" once turn "....//" into "../"; Tomcat reads "..;" as ".."; bytes
// that are no ASCII text (broken or overlong UTF-8 left undecoded, control
// bytes) are dropped by enough decoders that they do not hide one.
bool is_parent(std::string_view segment) {
  std::size_t dots = 0;
  for (const char c : segment) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '.') {
      ++dots;
    } else if (!(b >= 0x80 || b < 0x20 || c == ';' || c == ' ')) {
      return false;
    }
  }
  return dots >= 2;
}

struct Walk {
  int climb = 0;        // furthest above where the path started
  bool rooted = false;  // the path starts at a root (/, C:, file:)
  std::size_t first_parent = std::string_view::npos;
  std::size_t last_parent_end = 0;
  std::size_t tail = std::string_view::npos;         // where a file name may start
  bool parents = false;                              // any "..", even one that stays inside
  int padding = 0;                                   // "." and empty segments ("./\/./")
  std::size_t padded_tail = std::string_view::npos;  // after the last of them
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
    const std::size_t separator = i < value.size() ? separator_at(value, i) : 1;
    if (separator == 0) continue;
    std::string_view segment = value.substr(start, i - start);
    std::size_t segment_start = start;
    start = i + separator;
    const auto cut = std::find_if(segment.rbegin(), segment.rend(), starts_path);
    const bool cut_here = cut != segment.rend();
    if (cut_here) {
      const std::size_t keep = static_cast<std::size_t>(cut - segment.rbegin());
      segment_start += segment.size() - keep;
      segment = segment.substr(segment.size() - keep);
      depth = 0;  // a new path begins inside this segment
      if (segment.empty() && i < value.size()) {
        w.rooted = true;
        w.tail = i;
      }
    }
    if (segment.empty() || segment == ".") {
      // "./\/./": steps that go nowhere, only past a filter's pattern.
      if (!cut_here && i < value.size()) {
        ++w.padding;
        w.padded_tail = i;
      }
      continue;
    }
    if (is_parent(segment)) {
      if (--depth < 0) w.climb = std::max(w.climb, -depth);
      if (w.first_parent == std::string_view::npos) w.first_parent = segment_start;
      w.last_parent_end = i;
      w.tail = i;
      w.parents = true;
    } else {
      ++depth;
    }
    i += separator - 1;
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
  while (at < value.size() && separator_at(value, at) != 0) at += separator_at(value, at);
  std::array<char, kMaxFileBytes> name;
  std::size_t n = 0;
  std::size_t segments = 0;
  for (std::size_t i = at; i <= value.size(); ++i) {
    const bool stop =
        i == value.size() || value[i] == 0 || value[i] == '?' || value[i] == '#' || value[i] == ';';
    const std::size_t separator = stop ? 0 : separator_at(value, i);
    if (!stop && separator == 0) {
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
    i += separator - 1;
  }
  return std::nullopt;
}

// Directories that hold only the system's own files (configuration, logs,
// process state, the web server's tree): a value that is itself an absolute
// path into one names a file no API parameter serves, whatever the file
// (the file table cannot list every log and .ini). Only a value that starts
// at the root: a path inside prose or a URL is not the value's meaning.
constexpr std::string_view kSystemDirectories[] = {
    "etc/",
    "proc/",
    "var/log/",
    "var/www/",
    "var/adm/",
    "var/run/",
    "var/spool/",
    "var/lock/",
    "var/mail/",
    "var/apache/",
    "usr/local/apache",
    "usr/local/cpanel/",
    "windows/",
    "winnt/",
    "system32/",
    "inetpub/",
    "boot/",
    // A home directory's files that grant or forward access (the table has
    // the shells' histories and keys, not these).
    ".forward",
    ".rhosts",
    ".netrc",
};

// On a drive only (C:\xampp\…): the Windows web stacks' own trees and the
// installer's answer files, names a Unix URL path may hold (/php/…).
constexpr std::string_view kDriveDirectories[] = {
    "xampp/",
    "apache/",
    "apache2/",
    "php/",
    "php4/",
    "php5/",
    "mysql/",
    "sysprep",
    "unattend",
    "$recycle.bin/",
    "documents and settings/",
    "users/administrator/",
};

std::optional<std::string_view> system_directory(std::string_view value) {
  std::size_t at = 0;
  if (value.size() >= 3 && value[1] == ':' && lower(value[0]) >= 'a' && lower(value[0]) <= 'z') {
    at = 2;  // C:\windows
  }
  if (at >= value.size() || !is_separator(value[at])) return std::nullopt;
  const bool drive = at == 2;
  ++at;
  auto under = [&](std::string_view directory) {
    if (value.size() - at < directory.size()) return false;
    for (std::size_t i = 0; i < directory.size(); ++i) {
      const char c = value[at + i];
      if (directory[i] == '/' ? !is_separator(c) : lower(c) != directory[i]) return false;
    }
    return true;
  };
  for (std::string_view directory : kSystemDirectories) {
    if (under(directory)) return directory;
  }
  for (std::string_view directory : kDriveDirectories) {
    if (drive && under(directory)) return directory;
  }
  return std::nullopt;
}

// A whole value that makes the server read a file by URL: a file: URL
// (file://host/x, file:///etc/x), or a UNC path to a share on an IP
// address (\\10.0.0.1\share\x.php), which Windows fetches over SMB. A
// share named by host (\\fileserver\…) is an intranet's ordinary path.
std::optional<std::string_view> remote_file(std::string_view value) {
  if (value.size() > 7 && lower(value[0]) == 'f' && lower(value[1]) == 'i' &&
      lower(value[2]) == 'l' && lower(value[3]) == 'e' && value[4] == ':' && value[5] == '/' &&
      value[6] == '/') {
    return "url:file";
  }
  if (value.size() < 4 || value[0] != '\\' || value[1] != '\\') return std::nullopt;
  std::size_t at = 2;
  int parts = 0;
  while (parts < 4) {
    const std::size_t start = at;
    while (at < value.size() && at - start < 3 && value[at] >= '0' && value[at] <= '9') ++at;
    if (at == start) return std::nullopt;
    ++parts;
    if (parts < 4 && (at >= value.size() || value[at++] != '.')) return std::nullopt;
  }
  return at < value.size() && value[at] == '\\' ? std::optional<std::string_view>("unc:ip")
                                                : std::nullopt;
}

}  // namespace

std::optional<Detection> detect_path(std::string_view value) {
  if (value.size() > UINT32_MAX || !kPathGate.any_in(value)) return std::nullopt;
  const Walk w = walk(value);
  if (w.climb >= 2) {
    return Detection{Kind::path, "traversal", static_cast<std::uint32_t>(w.first_parent),
                     static_cast<std::uint32_t>(w.last_parent_end)};
  }
  if ((w.parents || w.rooted) && w.tail != std::string_view::npos) {
    std::size_t end = 0;
    if (auto file = file_at(value, w.tail, end)) {
      const std::size_t begin = w.first_parent != std::string_view::npos ? w.first_parent : w.tail;
      return Detection{Kind::path, *file, static_cast<std::uint32_t>(begin),
                       static_cast<std::uint32_t>(end)};
    }
  }
  // Padding that leads to a system file ("./\/././\/./boot.ini") hides it
  // as a ".." would; two steps of it are no typing slip.
  if (w.padding >= 2 && w.padded_tail != std::string_view::npos) {
    std::size_t end = 0;
    if (auto file = file_at(value, w.padded_tail, end)) {
      return Detection{Kind::path, *file, 0, static_cast<std::uint32_t>(end)};
    }
  }
  if (auto directory = system_directory(value)) {
    return Detection{Kind::path, *directory, 0, static_cast<std::uint32_t>(value.size())};
  }
  if (auto remote = remote_file(value)) {
    return Detection{Kind::path, *remote, 0, static_cast<std::uint32_t>(value.size())};
  }
  return std::nullopt;
}

}  // namespace centinela::detect
