#include "waf/body_parsers.h"

#include "waf/text.h"

namespace centinela::waf {

void parse_urlencoded(RequestView& view, std::string_view text, std::vector<Field>& out,
                      const ViewLimits& limits) {
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < limits.max_fields) {
    std::size_t end = text.find('&', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view piece = text.substr(pos, end - pos);
    pos = end + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.push_back({view.keep(form_decode(piece)), {}});
    } else {
      out.push_back({view.keep(form_decode(piece.substr(0, eq))),
                     view.keep(form_decode(piece.substr(eq + 1)))});
    }
  }
}

namespace {

// `key="value"` or `key=value` inside a header value (Content-Disposition,
// Content-Type's boundary); nothing when absent.
std::string_view parameter(std::string_view header, std::string_view key, bool& found) {
  found = false;
  std::size_t pos = 0;
  while (pos < header.size()) {
    // The next ';' outside double quotes ends the item (name="a;b" is one).
    std::size_t semi = pos;
    bool quoted = false;
    while (semi < header.size() && (quoted || header[semi] != ';')) {
      if (header[semi] == '"') quoted = !quoted;
      ++semi;
    }
    std::string_view item = trim(header.substr(pos, semi - pos));
    pos = semi + 1;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || !iequals(trim(item.substr(0, eq)), key)) continue;
    std::string_view value = trim(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"') {
      const std::size_t close = value.find('"', 1);
      value = value.substr(1, close == std::string_view::npos ? value.size() - 1 : close - 1);
    }
    found = true;
    return value;
  }
  return {};
}

struct Part {
  std::vector<std::string_view> header_lines;
  std::string_view content;
};

// Splits one part into its header lines and content; false when the head
// never ends.
bool split_part(std::string_view part, Part& out, const ViewLimits& limits) {
  std::size_t pos = 0;
  while (pos < part.size()) {
    std::size_t eol = part.find('\n', pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = part.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (line.empty()) {
      out.content = part.substr(pos);
      return true;
    }
    if (out.header_lines.size() < limits.max_part_headers) out.header_lines.push_back(line);
  }
  return false;
}

void add_part(RequestView& view, const Part& part) {
  std::string_view name, filename;
  bool has_name = false, has_filename = false;
  for (std::string_view line : part.header_lines) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      view.multipart_strict_error = true;
      continue;
    }
    if (iequals(trim(line.substr(0, colon)), "content-disposition")) {
      const std::string_view value = line.substr(colon + 1);
      name = parameter(value, "name", has_name);
      filename = parameter(value, "filename", has_filename);
    }
  }
  if (!has_name) view.multipart_strict_error = true;
  for (std::string_view line : part.header_lines) view.part_headers.push_back({name, line});
  if (has_filename) {
    view.files.push_back({name, filename});
    view.files_combined_size += part.content.size();
  } else {
    view.args_post.push_back({name, part.content});
  }
}

}  // namespace

void parse_multipart(RequestView& view, std::string_view content_type, const ViewLimits& limits) {
  bool found = false;
  const std::string_view boundary = parameter(content_type, "boundary", found);
  if (!found || boundary.empty()) {
    view.reqbody_error = 1;
    view.reqbody_error_msg = "Multipart: no boundary";
    return;
  }
  const std::string delimiter = "--" + std::string(boundary);
  const std::string_view body = view.body;
  std::size_t pos = body.find(delimiter);
  std::size_t parts = 0;
  while (pos != std::string_view::npos && parts < limits.max_parts) {
    std::size_t start = pos + delimiter.size();
    if (body.substr(start, 2) == "--") return;  // the closing delimiter
    const std::size_t eol = body.find('\n', start);
    if (eol == std::string_view::npos) break;
    start = eol + 1;
    std::size_t next = body.find("\n" + delimiter, start);
    const bool last = next == std::string_view::npos;
    if (last && !view.body_truncated) break;
    std::string_view chunk = body.substr(start, last ? std::string_view::npos : next - start);
    if (!chunk.empty() && chunk.back() == '\r') chunk.remove_suffix(1);
    Part part;
    if (!split_part(chunk, part, limits)) break;
    add_part(view, part);
    ++parts;
    if (last) return;
    pos = next + 1;
  }
  if (view.body_truncated) return;
  view.reqbody_error = 1;
  view.reqbody_error_msg = "Multipart: malformed body";
  view.multipart_strict_error = true;
}

}  // namespace centinela::waf
