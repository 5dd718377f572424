// Files, globs and Include for the parser; the two entry points.
#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "seclang/parse.h"
#include "seclang/parser.h"
#include "seclang/words.h"

namespace centinela::seclang {
namespace detail {
namespace {

bool has_glob(std::string_view path) { return path.find_first_of("*?[") != std::string::npos; }

// Matches sorted bytewise (as Apache sorts an Include's wildcard), regular
// files only. False when the pattern could not be read at all.
bool expand_glob(const std::string& pattern, std::vector<std::string>& out) {
  glob_t matches{};
  const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &matches);
  if (rc == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(matches.gl_pathv[i], ec)) {
        out.emplace_back(matches.gl_pathv[i]);
      }
    }
  }
  globfree(&matches);
  std::sort(out.begin(), out.end());
  return rc == 0 || rc == GLOB_NOMATCH;
}

std::string canonical_path(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

}  // namespace

void Parser::read_path(const std::string& pattern, const std::string& base_dir,
                       const Location* from, bool optional) {
  const std::string path =
      pattern.empty() || pattern.front() == '/' || base_dir.empty() ? pattern : base_dir + pattern;
  const Location where = from ? *from : Location{path, 0, 0};
  if (!has_glob(path)) {
    read_file(path, from, optional);
    return;
  }
  std::vector<std::string> files;
  if (!expand_glob(path, files)) {
    diagnostics_.add(where, "cannot read the folders of " + quote_for_message(path, 200));
    return;
  }
  if (files.empty() && !optional) {
    diagnostics_.add(where, "no file matches " + quote_for_message(path, 200));
  }
  for (const std::string& file : files) read_file(file, from, optional);
}

void Parser::read_file(const std::string& path, const Location* from, bool optional) {
  const Location where = from ? *from : Location{path, 0, 0};
  const std::string shown = quote_for_message(path, 200);
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    if (!optional) diagnostics_.add(where, "cannot open " + shown + ": no such file");
    return;
  }
  if (std::filesystem::is_directory(status)) {
    diagnostics_.add(where, "cannot read " + shown + ": it is a folder (use " +
                                quote_for_message(path + "/*.conf", 200) + ")");
    return;
  }
  if (!std::filesystem::is_regular_file(status)) {  // a FIFO would block the reload
    diagnostics_.add(where, "cannot read " + shown + ": not a regular file");
    return;
  }
  const std::string canonical = canonical_path(path);
  if (std::find(reading_.begin(), reading_.end(), canonical) != reading_.end()) {
    diagnostics_.add(where, "Include cycle: " + shown + " is already being read");
    return;
  }
  if (reading_.size() >= kMaxIncludeDepth) {
    diagnostics_.add(where, "Include nested more than " + std::to_string(kMaxIncludeDepth) +
                                " files deep at " + shown);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  const auto size = std::filesystem::file_size(path, ec);
  if (!in || ec) {
    diagnostics_.add(where, "cannot open " + shown);
    return;
  }
  if (size > kMaxFileBytes) {
    diagnostics_.add(where, "cannot read " + shown + ": larger than " +
                                std::to_string(kMaxFileBytes >> 20) + " MiB");
    return;
  }
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  result.files.push_back(path);
  reading_.push_back(canonical);
  read_text(text, path);
  reading_.pop_back();
}

}  // namespace detail

ParseResult parse_files(std::span<const std::string> paths_or_globs) {
  detail::Parser parser;
  for (const std::string& path : paths_or_globs) parser.read_path(path, "", nullptr, false);
  return std::move(parser.result);
}

ParseResult parse_text(std::string_view text, std::string_view file_name, bool includes) {
  detail::Parser parser(includes);
  const std::string file(file_name);
  parser.result.files.push_back(file);
  parser.read_text(text, file);
  return std::move(parser.result);
}

}  // namespace centinela::seclang
