#include "waf/multipart_body.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace centinela::waf {
namespace {

constexpr std::size_t kMaxHeaderLine = 4096;  // libmodsecurity's MULTIPART_BUF_SIZE

bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 2045 token characters, as libmodsecurity's is_token_char.
bool is_token_char(unsigned char c) {
  if (c <= 32 || c >= 127) return false;
  return std::string_view("()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) == std::string_view::npos;
}

struct Disposition {
  std::string name;
  std::string filename;
  bool has_filename_star = false;
};

// One `param=value` of a Content-Disposition at `p`; false when malformed.
bool read_parameter(std::string_view value, std::size_t& p, Disposition& out) {
  const std::size_t start = p;
  while (p < value.size() && value[p] != '=' && !is_space_or_tab(value[p])) ++p;
  if (p == value.size()) return false;
  const std::string_view name = value.substr(start, p - start);
  while (p < value.size() && is_space_or_tab(value[p])) ++p;
  if (p == value.size() || value[p] != '=') return false;
  ++p;
  while (p < value.size() && is_space_or_tab(value[p])) ++p;
  if (p == value.size()) return false;
  std::string text;
  if (name == "filename*") {
    // charset'language'percent-encoded-name: kept as written, to the ';'.
    const std::size_t end = value.find(';', p);
    text.assign(value.substr(p, end == std::string_view::npos ? end : end - p));
    if (std::count(text.begin(), text.end(), '\'') < 2) return false;
    p = end == std::string_view::npos ? value.size() : end;
  } else if (value[p] == '"' || value[p] == '\'') {
    const char quote = value[p++];
    for (;; ++p) {
      if (p >= value.size()) return false;  // no closing quote
      if (value[p] == '\\' && p + 1 < value.size() &&
          (value[p + 1] == quote || value[p + 1] == '\\')) {
        ++p;
      } else if (value[p] == quote) {
        break;
      }
      text.push_back(value[p]);
    }
    ++p;
  } else {
    const std::size_t token = p;
    while (p < value.size() && is_token_char(static_cast<unsigned char>(value[p]))) ++p;
    text.assign(value.substr(token, p - token));
  }
  if (name == "name") {
    if (!out.name.empty()) return false;
    out.name = std::move(text);
  } else if (name == "filename") {
    if (!out.filename.empty()) return false;
    out.filename = std::move(text);
  } else if (name == "filename*") {
    if (out.has_filename_star) return false;
    out.has_filename_star = true;
  } else {
    return false;  // libmodsecurity accepts no other parameter
  }
  while (p < value.size() && is_space_or_tab(value[p])) ++p;
  if (p == value.size()) return true;
  if (value[p] != ';') return false;
  ++p;
  return true;
}

bool parse_disposition(std::string_view value, Disposition& out) {
  if (!value.starts_with("form-data")) return false;
  std::size_t p = 9;
  while (p < value.size() && is_space_or_tab(value[p])) ++p;
  if (p == value.size()) return true;
  if (value[p++] != ';') return false;
  while (p < value.size()) {
    while (p < value.size() && is_space_or_tab(value[p])) ++p;
    if (p == value.size()) return false;
    if (!read_parameter(value, p, out)) return false;
  }
  return !(out.has_filename_star && out.filename.empty());
}

struct Header {
  std::string name;
  std::string value;
  std::string line;  // as MULTIPART_PART_HEADERS shows it
};

class Walker {
 public:
  Walker(std::string_view boundary, std::string_view body, bool complete,
         const MultipartLimits& limits, BodySink& sink)
      : body_(body), complete_(complete), limits_(limits), sink_(sink) {
    delimiter_.assign("--").append(boundary);
  }

  MultipartWalk run() {
    if (!skip_preamble()) return result_;
    while (!done_) {
      if (++result_.parts > limits_.max_parts) return fail("more parts than the limit");
      std::vector<Header> headers;
      Disposition disposition;
      if (!read_headers(headers) || !check_headers(headers, disposition)) return result_;
      read_data(headers, disposition);
    }
    return result_;
  }

 private:
  MultipartWalk fail(std::string_view message) {
    if (!result_.error) {
      result_.error = true;
      result_.message = message;
    }
    done_ = true;
    return result_;
  }

  bool refuse(std::string_view message) {
    fail(message);
    return false;
  }

  // The next line without its LF (and CR), and `raw` with them; false at the
  // end of the input.
  bool next_line(std::string_view& line, std::string_view* raw = nullptr) {
    const std::size_t lf = body_.find('\n', pos_);
    if (lf == std::string_view::npos) return false;
    line = body_.substr(pos_, lf - pos_);
    if (raw != nullptr) *raw = body_.substr(pos_, lf + 1 - pos_);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos_ = lf + 1;
    return true;
  }

  // 0: not a delimiter line; 1: a delimiter; 2: the final one.
  int delimiter_kind(std::string_view line) const {
    if (!line.starts_with(delimiter_)) return 0;
    std::string_view rest = line.substr(delimiter_.size());
    if (rest.starts_with("--")) return 2;
    return std::all_of(rest.begin(), rest.end(), is_space_or_tab) ? 1 : 0;
  }

  bool skip_preamble() {
    std::string_view line;
    while (next_line(line)) {
      const int kind = delimiter_kind(line);
      if (kind == 1) return true;
      if (kind == 2) return false;
    }
    if (complete_) fail("no boundary found in the body");
    return false;
  }

  bool read_headers(std::vector<Header>& headers);
  bool check_headers(const std::vector<Header>& headers, Disposition& disposition);
  void read_data(const std::vector<Header>& headers, const Disposition& disposition);

  std::string_view body_;
  std::size_t pos_ = 0;
  bool complete_;
  const MultipartLimits& limits_;
  BodySink& sink_;
  std::string delimiter_;
  bool done_ = false;
  MultipartWalk result_;
};

bool Walker::read_headers(std::vector<Header>& headers) {
  std::string_view line;
  std::string_view raw;
  unsigned lines = 0;
  for (;;) {
    if (!next_line(line, &raw)) {
      if (complete_) fail("the final boundary is missing");
      done_ = true;
      return false;
    }
    if (line.empty()) return true;
    if (++lines > limits_.max_header_lines) return refuse("more part header lines than the limit");
    if (line.size() > kMaxHeaderLine) return refuse("a part header line is too long");
    if (line.find('\0') != std::string_view::npos) return refuse("NUL byte in part headers");
    if (is_space_or_tab(line[0]) || line[0] == '\v' || line[0] == '\f') {
      if (headers.empty()) return refuse("part header folding without a header");
      Header& last = headers.back();
      std::size_t start = 0;
      while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
      last.value.append(" ").append(line.substr(start));
      last.line = last.name + ": " + last.value;
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return refuse("part header without a colon");
    if (colon == 0) return refuse("part header without a name");
    Header header;
    header.name.assign(line.substr(0, colon));
    std::size_t start = colon + 1;
    while (start < line.size() && is_space_or_tab(line[start])) ++start;
    header.value.assign(line.substr(start));
    // libmodsecurity keeps the line as received, its CRLF included (a folded
    // header becomes "Name: value" without one).
    header.line.assign(raw);
    for (const Header& other : headers) {
      if (equals_ignoring_case(other.name, header.name)) {
        return refuse("repeated part header");
      }
    }
    headers.push_back(std::move(header));
  }
}

bool Walker::check_headers(const std::vector<Header>& headers, Disposition& disposition) {
  const auto found = std::find_if(headers.begin(), headers.end(), [](const Header& header) {
    return equals_ignoring_case(header.name, "Content-Disposition");
  });
  if (found == headers.end()) return refuse("a part has no Content-Disposition");
  if (!parse_disposition(found->value, disposition)) {
    return refuse("invalid Content-Disposition in a part");
  }
  if (disposition.name.empty()) return refuse("Content-Disposition without a name");
  return true;
}

void Walker::read_data(const std::vector<Header>& headers, const Disposition& disposition) {
  const std::size_t start = pos_;
  std::size_t end = std::string_view::npos;
  int kind = 0;
  for (std::size_t at = body_.find(delimiter_, start); at != std::string_view::npos;
       at = body_.find(delimiter_, at + 1)) {
    if (at != start && body_[at - 1] != '\n') continue;
    const std::size_t lf = body_.find('\n', at);
    std::string_view line = body_.substr(at, lf == std::string_view::npos ? lf : lf - at);
    if (line.ends_with('\r')) line.remove_suffix(1);
    kind = delimiter_kind(line);
    if (kind == 0) continue;
    end = at;
    pos_ = lf == std::string_view::npos ? body_.size() : lf + 1;
    break;
  }
  std::string_view value;
  if (end == std::string_view::npos) {
    if (complete_) fail("the final boundary is missing");
    done_ = true;
    value = body_.substr(start);
  } else {
    value = body_.substr(start, end - start);
    // The line break before a delimiter belongs to it.
    if (value.ends_with('\n')) value.remove_suffix(1);
    if (value.ends_with('\r')) value.remove_suffix(1);
    if (kind == 2) done_ = true;
  }
  for (const Header& header : headers) sink_.part_header(disposition.name, header.line);
  if (!disposition.filename.empty()) {
    sink_.file(disposition.name, disposition.filename);
  } else if (!sink_.argument(disposition.name, value, ArgumentOrigin::form)) {
    fail("more arguments than the limit");
  }
}

}  // namespace

std::string_view multipart_boundary(std::string_view content_type) {
  const std::size_t at = content_type.find("boundary");
  if (at == std::string_view::npos) return {};
  std::size_t p = at + 8;
  while (p < content_type.size() && is_space_or_tab(content_type[p])) ++p;
  if (p >= content_type.size() || content_type[p] != '=') return {};
  ++p;
  while (p < content_type.size() && is_space_or_tab(content_type[p])) ++p;
  std::string_view value = content_type.substr(p);
  std::string_view boundary;
  std::size_t after = 0;
  if (value.starts_with('"')) {
    const std::size_t close = value.find('"', 1);
    if (close == std::string_view::npos) return {};
    boundary = value.substr(1, close - 1);
    after = close + 1;
  } else {
    boundary = value.substr(0, value.find_first_of("; \t,"));
    after = boundary.size();
  }
  // A second boundary parameter makes the body ambiguous (which one does the
  // origin use?): none. A boundary spelled "boundary" is only a value.
  if (value.substr(after).find("boundary") != std::string_view::npos) return {};
  return boundary;
}

MultipartWalk walk_multipart(std::string_view content_type, std::string_view body, bool complete,
                             const MultipartLimits& limits, BodySink& sink) {
  const std::string_view boundary = multipart_boundary(content_type);
  if (boundary.empty()) {
    MultipartWalk walk;
    walk.error = true;
    walk.message = "no boundary in the Content-Type";
    return walk;
  }
  return Walker(boundary, body, complete, limits, sink).run();
}

}  // namespace centinela::waf
