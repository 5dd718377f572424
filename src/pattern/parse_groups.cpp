// Groups, quantifiers and character classes of the parser (parser.h).
#include <charconv>

#include "pattern/parser.h"

namespace centinela::pattern::detail {
namespace {

constexpr unsigned kMaxRepeat = 65535;  // PCRE2's limit for {n,m}

}  // namespace

std::uint32_t Parser::quantified(std::uint32_t item, const Options& options) {
  while (skip_extended(options)) {
  }
  if (at_end()) return item;
  std::uint32_t min = 0, max = kUnbounded;
  const char c = peek();
  if (c == '*') {
    ++pos_;
  } else if (c == '+') {
    min = 1;
    ++pos_;
  } else if (c == '?') {
    max = 1;
    ++pos_;
  } else if (c == '{' && quantifier_follows()) {
    ++pos_;
    auto number = [&](std::uint32_t& out) {
      const char* first = text_.data() + pos_;
      const auto [ptr, ec] = std::from_chars(first, text_.data() + text_.size(), out);
      if (ec != std::errc{} || out > kMaxRepeat) fail("number too big in {} quantifier");
      pos_ += static_cast<std::size_t>(ptr - first);
    };
    number(min);
    max = min;
    if (peek() == ',') {
      ++pos_;
      max = kUnbounded;
      if (peek() != '}') number(max);
    }
    ++pos_;  // '}'
    if (error_.empty() && max < min) fail("numbers out of order in {} quantifier");
  } else {
    return item;
  }
  Node node;
  node.kind = NodeKind::repeat;
  node.min = min;
  node.max = max;
  if (peek() == '?') {
    node.lazy = true;
    ++pos_;
  } else if (peek() == '+') {
    node.possessive = true;
    ++pos_;
  }
  const char next = peek();
  if (next == '*' || next == '+' || next == '?' || (next == '{' && quantifier_follows())) {
    fail("quantifier follows a quantifier");
  }
  node.children = {item};
  node.begin = nodes_[item].begin;
  node.end = static_cast<std::uint32_t>(pos_);
  return add(std::move(node));
}

std::uint32_t Parser::group(Options& options) {
  const auto begin = static_cast<std::uint32_t>(pos_);
  if (depth_ >= kMaxNesting) {
    fail("parentheses nested too deeply");
    return kNone;
  }
  ++pos_;  // '('
  Node node;
  node.kind = NodeKind::group;
  node.begin = begin;
  if (peek() == '*') {
    fail("(*VERB) not supported");
    return kNone;
  }
  if (peek() != '?') {
    node.capturing = !options.no_auto_capture;
    return group_body(std::move(node), options);
  }
  ++pos_;
  const char c = peek();
  if (c == '#') {  // comment
    const std::size_t close = text_.find(')', pos_);
    if (close == std::string_view::npos) fail("missing ) after (?# comment");
    pos_ = close == std::string_view::npos ? text_.size() : close + 1;
    return kNone;
  }
  if (c == ':' || c == '>') {
    node.atomic = c == '>';
    ++pos_;
  } else if (c == '=' || c == '!' || starts("<=") || starts("<!")) {
    node.kind = NodeKind::lookaround;
    node.behind = c == '<';
    node.negated = text_[pos_ + (node.behind ? 1 : 0)] == '!';
    pos_ += node.behind ? 2 : 1;
  } else if (c == '<' || c == '\'' || starts("P<")) {  // named capture
    pos_ += c == 'P' ? 2 : 1;
    const std::size_t close = text_.find(c == '\'' ? '\'' : '>', pos_);
    if (close == std::string_view::npos || close == pos_) {
      fail("malformed group name");
      return kNone;
    }
    pos_ = close + 1;
    node.capturing = true;
  } else if (starts("P=")) {  // (?P=name): a back reference
    const std::size_t close = text_.find(')', pos_);
    if (close == std::string_view::npos) {
      fail("malformed (?P=name)");
      return kNone;
    }
    pos_ = close + 1;
    Node ref;
    ref.kind = NodeKind::backref;
    ref.begin = begin;
    ref.end = static_cast<std::uint32_t>(pos_);
    return add(std::move(ref));
  } else {
    return options_group(options, begin);
  }
  return group_body(std::move(node), options);
}

std::uint32_t Parser::group_body(Node node, const Options& inner) {
  if (node.capturing) ++captures_;  // numbered in order of their '('
  ++depth_;
  const std::uint32_t child = alternation(inner);
  --depth_;
  if (!error_.empty()) return kNone;
  if (peek() != ')' || at_end()) {
    fail("missing closing parenthesis");
    return kNone;
  }
  ++pos_;
  node.children = {child};
  node.end = static_cast<std::uint32_t>(pos_);
  return add(std::move(node));
}

// (?imnsx-imnsx) changes the rest of the enclosing group; (?imnsx-imnsx:…)
// is a non-capturing group with those options. pos_ is past "(?".
std::uint32_t Parser::options_group(Options& options, std::uint32_t begin) {
  Options changed = options;
  bool unset = false;
  while (!at_end() && peek() != ')' && peek() != ':') {
    const char c = text_[pos_++];
    switch (c) {
      case '-':
        unset = true;
        break;
      case '^':
        changed.caseless = changed.extended = changed.no_auto_capture = false;
        changed.dotall = false;
        break;
      case 'i':
        changed.caseless = !unset;
        break;
      case 's':
        changed.dotall = !unset;
        break;
      case 'x':
        changed.extended = !unset;
        break;
      case 'n':
        changed.no_auto_capture = !unset;
        break;
      case 'm':  // ^ and $ are zero-width either way; nothing to track
      case 'J':
      case 'U':
        break;
      default:
        fail("group syntax not supported");
        return kNone;
    }
  }
  if (at_end()) {
    fail("missing closing parenthesis");
    return kNone;
  }
  if (text_[pos_++] == ')') {
    options = changed;
    Node marker;
    marker.sets_option = true;
    marker.begin = begin;
    marker.end = static_cast<std::uint32_t>(pos_);
    return add(std::move(marker));
  }
  Node node;
  node.kind = NodeKind::group;
  node.begin = begin;
  return group_body(std::move(node), changed);
}

ByteSet Parser::class_set(const Options& options) {
  ++pos_;  // '['
  bool negate = false;
  if (peek() == '^') {
    negate = true;
    ++pos_;
  }
  ByteSet set;
  for (bool first = true;; first = false) {
    if (at_end()) {
      fail("missing terminating ] for character class");
      return set;
    }
    if (peek() == ']' && !first) {
      ++pos_;
      break;
    }
    ByteSet item;
    bool single = false;
    unsigned char low = 0;
    if (!class_item(item, single, low)) return set;
    if (single && peek() == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] != ']') {
      ++pos_;
      bool single_high = false;
      unsigned char high = 0;
      ByteSet ignored;
      if (!class_item(ignored, single_high, high)) return set;
      if (!single_high || high < low) {
        fail("invalid range in character class");
        return set;
      }
      set |= range_set(low, high);
      continue;
    }
    set |= item;
  }
  // Folded before negation, as PCRE2 does: [^a] under (?i) excludes 'A' too.
  if (options.caseless) set = fold_case(set);
  return negate ? ~set : set;
}

bool Parser::class_item(ByteSet& set, bool& single, unsigned char& byte) {
  if (starts("[:")) {
    // [:name:] only when letters (after an optional ^) run up to ":]";
    // otherwise '[' is an ordinary byte, as PCRE2 reads it.
    std::size_t end = pos_ + 2 + (peek(2) == '^' ? 1 : 0);
    while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
    if (text_.substr(end).starts_with(":]")) {
      const std::size_t close = end;
      std::string_view name = text_.substr(pos_ + 2, close - pos_ - 2);
      const bool negated = name.starts_with('^');
      if (negated) name.remove_prefix(1);
      const auto posix = posix_class(name);
      if (!posix) {
        fail("unknown POSIX class name");
        return false;
      }
      pos_ = close + 2;
      set = negated ? ~*posix : *posix;
      return true;
    }
  }
  if (peek() == '\\') {
    if (starts("\\Q") || starts("\\E")) {
      fail("\\Q…\\E in a class not supported");
      return false;
    }
    Escape e = read_escape(text_, pos_, /*in_class=*/true, captures_);
    if (!e.error.empty()) {
      fail(std::move(e.error));
      return false;
    }
    if (e.kind == Escape::Kind::set) {
      set = e.set;
      return true;
    }
    single = true;
    byte = e.byte;
    set = ByteSet{}.set(byte);
    return true;
  }
  single = true;
  byte = static_cast<unsigned char>(text_[pos_++]);
  set = ByteSet{}.set(byte);
  return true;
}

}  // namespace centinela::pattern::detail
