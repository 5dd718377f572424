#include "http/request_target.h"

#include "http/chars.h"

namespace centinela::http {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// Bytes outside RFC 3986 that browsers send unencoded (WHATWG URL leaves
// them in paths or queries). Harmless in a query; re-encoded in a path.
constexpr bool is_browser_raw(char c) {
  return c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`';
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

// Whether `text[i]` starts a well-formed "%XX".
bool is_escape_at(std::string_view text, std::size_t i) {
  return i + 2 < text.size() && is_hex_digit(text[i + 1]) && is_hex_digit(text[i + 2]);
}

// Sent raw by curl and hand-written scripts, escaped by browsers (WHATWG's
// query percent-encode set): accepted in a query and escaped on the way.
constexpr bool is_escaped_in_query(char c) { return c == '"' || c == '<' || c == '>'; }

TargetError check_query(std::string_view query, bool& needs_escapes) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    const char c = query[i];
    if (c == '%') {
      if (!is_escape_at(query, i)) return TargetError::bad_escape;
      i += 2;
    } else if (is_escaped_in_query(c)) {
      needs_escapes = true;
    } else if (!is_pchar(c) && c != '/' && c != '?' && !is_browser_raw(c) && c != '\\') {
      return TargetError::bad_char;
    }
  }
  return TargetError::none;
}

void append_escape(std::string& out, unsigned char value) {
  out += '%';
  out += kHex[value >> 4];
  out += kHex[value & 0x0F];
}

// Appends one segment's bytes (up to the next '/') in normal form; returns
// the index after it, or npos with `result.error` set.
std::size_t append_segment(std::string_view path, std::size_t i, std::string& out,
                           PathResult& result) {
  for (; i < path.size() && path[i] != '/'; ++i) {
    const char c = path[i];
    if (c == '%') {
      if (!is_escape_at(path, i)) {
        result.error = TargetError::bad_escape;
        return std::string_view::npos;
      }
      const auto value =
          static_cast<unsigned char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      i += 2;
      if (is_unreserved(static_cast<char>(value))) {
        out += static_cast<char>(value);
        continue;
      }
      if (value == '/' || value == '\\') result.flags |= kEncodedSlash;
      if (value == 0) result.flags |= kEncodedNul;
      append_escape(out, value);
    } else if (is_pchar(c)) {
      out += c;
    } else if (is_browser_raw(c)) {
      append_escape(out, static_cast<unsigned char>(c));
    } else {
      result.error = TargetError::bad_char;
      return std::string_view::npos;
    }
  }
  return i;
}

}  // namespace

TargetError parse_request_target(std::string_view target, RequestTarget& out) {
  out = {};
  if (target == "*") {
    out.form = TargetForm::asterisk;
    return TargetError::none;
  }
  std::string_view rest = target;
  if (!target.starts_with('/')) {
    std::size_t scheme = 0;
    if (starts_with_ignoring_case(target, "http://")) scheme = 7;
    if (starts_with_ignoring_case(target, "https://")) scheme = 8;
    if (scheme == 0) return TargetError::bad_form;
    rest = target.substr(scheme);
    const std::size_t end = rest.find_first_of("/?#");
    out.authority = rest.substr(0, end);
    if (out.authority.find('@') != std::string_view::npos) return TargetError::userinfo;
    if (out.authority.empty()) return TargetError::bad_form;
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    out.form = TargetForm::absolute;
  }
  out.path_and_query = rest;
  const std::size_t question = rest.find('?');
  out.path = rest.substr(0, question);
  if (question != std::string_view::npos) {
    out.has_query = true;
    out.query = rest.substr(question + 1);
    return check_query(out.query, out.query_needs_escapes);
  }
  return TargetError::none;
}

void append_normal_query(std::string_view query, std::string& out) {
  for (const char c : query) {
    if (is_escaped_in_query(c)) {
      append_escape(out, static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
}

PathResult normalize_path(std::string_view path, std::string& out) {
  out.clear();
  PathResult result;
  if (!path.empty() && path.front() != '/') {
    result.error = TargetError::bad_form;
    return result;
  }
  // `out` holds "/seg/seg..." as segments are accepted; a ".." drops the last.
  bool trailing_slash = false;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;  // "//" merges
    if (i == path.size()) {
      trailing_slash = true;
      break;
    }
    const std::size_t segment_start = out.size();
    out += '/';
    i = append_segment(path, i, out, result);
    if (i == std::string_view::npos) return result;
    const std::string_view segment = std::string_view(out).substr(segment_start + 1);
    trailing_slash = false;
    if (segment == "." || segment == "..") {
      const bool up = segment.size() == 2;
      out.resize(segment_start);
      if (up) {
        if (out.empty()) {
          result.flags |= kClimbsAboveRoot;
        } else {
          out.resize(out.rfind('/'));
        }
      }
      trailing_slash = true;  // "/a/b/.." is "/a/"
    }
  }
  if (out.empty() || trailing_slash) out += '/';
  return result;
}

}  // namespace centinela::http
