// Physical lines of a rule file joined into logical ones (a `\` at the end
// of a line continues it on the next, as Apache and ModSecurity read
// configuration files), with the map back to line and column for errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::seclang::detail {

class LogicalLine {
 public:
  std::string_view text() const { return text_; }
  int first_line() const { return segments_.empty() ? 0 : segments_.front().line; }
  // 1-based line and column of text()[offset] in the file (offset may be
  // text().size(): just past the end).
  int line_at(std::size_t offset) const;
  int column_at(std::size_t offset) const;

 private:
  friend class LineReader;
  struct Segment {
    std::size_t offset;  // where the physical line starts in text_
    int line;
  };
  const Segment& segment_at(std::size_t offset) const;

  std::string_view text_;
  std::vector<Segment> segments_;
};

// Yields the logical lines of `input` that are neither blank nor comments
// (first non-blank character `#`; as ModSecurity 3 reads them, only a
// commented-out `#SecRule ... \` / `#SecAction ... \` goes on to the next
// line).
// Line ends: LF or CRLF. Views stay valid until the next call.
class LineReader {
 public:
  explicit LineReader(std::string_view input) : input_(input) {}
  bool next(LogicalLine& out);

 private:
  std::string_view physical(std::size_t& start);  // the next line without its end

  std::string_view input_;
  std::size_t pos_ = 0;
  int line_ = 0;
  std::string joined_;
};

}  // namespace centinela::seclang::detail
