#include "cache/directives.h"

#include <algorithm>

namespace centinela::cache {
namespace {

// tchar of RFC 9110 §5.6.2.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;  // b is always a lower-case literal
  }
  return true;
}

// One list member: `name [= arg]`. `well_formed` is false when anything
// other than OWS followed the argument, the quoted string was unterminated,
// or the name was missing.
struct Member {
  std::string_view name;
  std::string_view arg;  // a quoted string's inner text, escapes left in
  bool has_arg = false;
  bool quoted = false;
  bool well_formed = true;
};

// Moves `i` to the next comma outside a quoted string (or the end).
void skip_to_comma(std::string_view v, std::size_t& i) {
  bool in_quote = false;
  while (i < v.size()) {
    const char c = v[i];
    if (in_quote) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quote = false;
      }
    } else if (c == '"') {
      in_quote = true;
    } else if (c == ',') {
      return;
    }
    ++i;
  }
  i = v.size();
}

// Calls `on_member` for each non-empty member, at most kMaxDirectives of
// them; returns whether more were left unread. One pass, no allocation.
template <typename OnMember>
bool for_each_member(std::string_view v, OnMember&& on_member) {
  std::size_t i = 0;
  int count = 0;
  while (true) {
    while (i < v.size() && (is_ows(v[i]) || v[i] == ',')) ++i;
    if (i >= v.size()) return false;
    if (++count > kMaxDirectives) return true;

    Member m;
    const std::size_t name_start = i;
    while (i < v.size() && is_tchar(v[i])) ++i;
    m.name = v.substr(name_start, i - name_start);
    if (m.name.empty()) m.well_formed = false;
    while (i < v.size() && is_ows(v[i])) ++i;
    if (m.well_formed && i < v.size() && v[i] == '=') {
      m.has_arg = true;
      ++i;
      while (i < v.size() && is_ows(v[i])) ++i;
      if (i < v.size() && v[i] == '"') {
        m.quoted = true;
        const std::size_t arg_start = ++i;
        bool closed = false;
        while (i < v.size()) {
          if (v[i] == '\\') {
            i += 2;
            continue;
          }
          if (v[i] == '"') {
            closed = true;
            break;
          }
          ++i;
        }
        if (closed) {
          m.arg = v.substr(arg_start, i - arg_start);
          ++i;
        } else {
          m.well_formed = false;
          i = v.size();
        }
      } else {
        const std::size_t arg_start = i;
        while (i < v.size() && is_tchar(v[i])) ++i;
        m.arg = v.substr(arg_start, i - arg_start);
        if (m.arg.empty()) m.well_formed = false;
      }
      while (i < v.size() && is_ows(v[i])) ++i;
    }
    if (i < v.size() && v[i] != ',') {
      m.well_formed = false;
      skip_to_comma(v, i);
    }
    on_member(m);
  }
}

std::optional<std::int64_t> member_seconds(const Member& m) {
  if (!m.has_arg || !m.well_formed) return std::nullopt;
  return parse_delta_seconds(m.arg);  // a backslash in a quoted number fails here
}

bool is_flag(const Member& m) { return m.well_formed && !m.has_arg; }

void keep_smallest(std::optional<std::int64_t>& slot, std::int64_t value) {
  slot = slot ? std::min(*slot, value) : value;
}

// RFC 9111 §4.2.1: conflicting freshness values → stale.
void keep_or_stale(std::optional<std::int64_t>& slot, std::int64_t value) {
  slot = (slot && *slot != value) ? 0 : value;
}

}  // namespace

std::optional<std::int64_t> parse_delta_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    // Keep reading (every byte must be a digit) but stop growing.
    if (value < kMaxDeltaSeconds) value = std::min(value * 10 + (c - '0'), kMaxDeltaSeconds);
  }
  return value;
}

ResponseDirectives parse_response_directives(std::string_view value) {
  ResponseDirectives d;
  d.truncated = for_each_member(value, [&d](const Member& m) {
    const std::string_view n = m.name;
    bool known = true;
    if (iequals(n, "max-age")) {
      keep_or_stale(d.max_age, member_seconds(m).value_or(0));
    } else if (iequals(n, "s-maxage")) {
      if (auto s = member_seconds(m)) keep_or_stale(d.s_maxage, *s);
    } else if (iequals(n, "stale-while-revalidate")) {
      if (auto s = member_seconds(m)) keep_smallest(d.stale_while_revalidate, *s);
    } else if (iequals(n, "stale-if-error")) {
      if (auto s = member_seconds(m)) keep_smallest(d.stale_if_error, *s);
    } else if (iequals(n, "no-store")) {
      d.no_store = true;
    } else if (iequals(n, "no-cache")) {
      d.no_cache = true;
    } else if (iequals(n, "private")) {
      d.private_ = true;
    } else if (iequals(n, "must-revalidate")) {
      d.must_revalidate = true;
    } else if (iequals(n, "proxy-revalidate")) {
      d.proxy_revalidate = true;
    } else if (iequals(n, "no-transform")) {
      d.no_transform = true;
    } else if (iequals(n, "public")) {
      d.public_ = d.public_ || is_flag(m);
    } else if (iequals(n, "immutable")) {
      d.immutable = d.immutable || is_flag(m);
    } else if (iequals(n, "must-understand")) {
      d.must_understand = d.must_understand || is_flag(m);
    } else {
      known = false;
    }
    d.any = d.any || known;
  });
  return d;
}

RequestDirectives parse_request_directives(std::string_view value) {
  RequestDirectives d;
  d.truncated = for_each_member(value, [&d](const Member& m) {
    const std::string_view n = m.name;
    if (iequals(n, "max-age")) {
      if (auto s = member_seconds(m)) keep_smallest(d.max_age, *s);
    } else if (iequals(n, "max-stale")) {
      if (is_flag(m)) {
        d.max_stale_any = true;
      } else if (auto s = member_seconds(m)) {
        keep_smallest(d.max_stale, *s);
      }
    } else if (iequals(n, "min-fresh")) {
      if (auto s = member_seconds(m)) d.min_fresh = d.min_fresh ? std::max(*d.min_fresh, *s) : *s;
    } else if (iequals(n, "no-cache")) {
      d.no_cache = true;
    } else if (iequals(n, "no-store")) {
      d.no_store = true;
    } else if (iequals(n, "only-if-cached")) {
      d.only_if_cached = true;
    } else if (iequals(n, "no-transform")) {
      d.no_transform = true;
    }
  });
  // A bounded max-stale is more restrictive than "any staleness".
  if (d.max_stale) d.max_stale_any = false;
  return d;
}

}  // namespace centinela::cache
