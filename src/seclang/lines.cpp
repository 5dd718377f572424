#include "seclang/lines.h"

#include <algorithm>
#include <cstring>

namespace centinela::seclang::detail {

const LogicalLine::Segment& LogicalLine::segment_at(std::size_t offset) const {
  // The last segment starting at or before offset; few segments per line.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](std::size_t value, const Segment& s) { return value < s.offset; });
  return it == segments_.begin() ? segments_.front() : *(it - 1);
}

int LogicalLine::line_at(std::size_t offset) const {
  return segments_.empty() ? 0 : segment_at(offset).line;
}

int LogicalLine::column_at(std::size_t offset) const {
  if (segments_.empty()) return 0;
  const Segment& s = segment_at(offset);
  return static_cast<int>(std::min<std::size_t>(offset - s.offset, 0x7fffffff - 1)) + 1;
}

std::string_view LineReader::physical(std::size_t& start) {
  start = pos_;
  const char* base = input_.data() + pos_;
  const std::size_t left = input_.size() - pos_;
  const void* nl = left == 0 ? nullptr : std::memchr(base, '\n', left);
  std::size_t length = nl ? static_cast<const char*>(nl) - base : left;
  pos_ += nl ? length + 1 : length;
  ++line_;
  if (length > 0 && base[length - 1] == '\r') --length;
  return {base, length};
}

namespace {

bool blank_or_comment(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\f\v");
  return first == std::string_view::npos || text[first] == '#';
}

// ModSecurity 3 continues a comment on the next line only when it is a
// commented-out rule (`#SecRule ... \`); any other comment ends with its line.
bool continued_comment(std::string_view line) {
  if (line.empty() || line.back() != '\\') return false;
  std::size_t i = line.find('#');
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string_view::npos) return false;
  const std::string_view rest = line.substr(i);
  return rest.starts_with("SecRule") || rest.starts_with("SecAction");
}

}  // namespace

bool LineReader::next(LogicalLine& out) {
  while (pos_ < input_.size()) {
    out.segments_.clear();
    std::size_t start = 0;
    std::string_view line = physical(start);
    out.segments_.push_back({0, line_});
    if (blank_or_comment(line)) {
      if (!line.empty() && continued_comment(line)) {
        while (pos_ < input_.size()) {
          line = physical(start);
          if (line.empty() || line.back() != '\\') break;
        }
      }
      continue;
    }
    if (line.back() != '\\') {
      out.text_ = line;
      return true;
    }
    // Continued: join into joined_ without the backslashes; the next
    // line's leading blanks are kept (they separate words, or stay inside
    // a quoted value, as Apache keeps them).
    joined_.assign(line.data(), line.size() - 1);
    while (pos_ < input_.size()) {
      line = physical(start);
      out.segments_.push_back({joined_.size(), line_});
      const bool more = !line.empty() && line.back() == '\\';
      joined_.append(line.data(), more ? line.size() - 1 : line.size());
      if (!more) break;
    }
    if (joined_.find_first_not_of(" \t\r\f\v") == std::string::npos) continue;
    out.text_ = joined_;
    return true;
  }
  return false;
}

}  // namespace centinela::seclang::detail
