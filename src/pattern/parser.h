// The parser behind parse() (ast.h), split over parse.cpp (branches, atoms,
// escapes) and parse_groups.cpp (groups, quantifiers, classes). Internal.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"
#include "pattern/byte_sets.h"
#include "pattern/parse_escape.h"

namespace centinela::pattern::detail {

struct Options {
  bool caseless = false;
  bool dotall = true;  // ModSecurity 3: PCRE_DOTALL | PCRE_MULTILINE
  bool extended = false;
  bool no_auto_capture = false;
};

constexpr std::uint32_t kNone = 0xFFFFFFFFu;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParseResult run() {
    ParseResult result;
    Options options;
    const std::uint32_t root = alternation(options);
    if (error_.empty() && pos_ < text_.size()) fail("unmatched closing parenthesis");
    if (!error_.empty()) {
      result.error = error_ + " at offset " + std::to_string(pos_);
      return result;
    }
    result.ok = true;
    result.ast.root = root;
    result.ast.captures = captures_;
    result.ast.nodes = std::move(nodes_);
    return result;
  }

 private:
  std::uint32_t add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  std::uint32_t add_bytes(ByteSet set, std::uint32_t begin, const Options& options) {
    Node node;
    node.kind = NodeKind::bytes;
    node.set = options.caseless ? fold_case(set) : set;
    node.begin = begin;
    node.end = static_cast<std::uint32_t>(pos_);
    return add(std::move(node));
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool starts(std::string_view s) const { return text_.substr(pos_).starts_with(s); }

  // Branches up to ')' or the end. Options set inline in one branch hold
  // for the later branches of the same group too, as in PCRE2.
  std::uint32_t alternation(Options options) {
    const auto begin = static_cast<std::uint32_t>(pos_);
    std::vector<std::uint32_t> branches{spanned_branch(options)};
    while (error_.empty() && peek() == '|' && !at_end()) {
      ++pos_;
      branches.push_back(spanned_branch(options));
    }
    if (branches.size() == 1) return branches[0];
    Node node;
    node.kind = NodeKind::alternation;
    node.children = std::move(branches);
    node.begin = begin;
    node.end = static_cast<std::uint32_t>(pos_);
    return add(std::move(node));
  }

  // A branch whose node spans exactly its text between the bars (a lone
  // item's own span may leave out a comment, white space under (?x) or the
  // \Q of a quote), so the branch can be cut out of the pattern verbatim.
  std::uint32_t spanned_branch(Options& options) {
    const auto begin = static_cast<std::uint32_t>(pos_);
    const std::uint32_t item = branch(options);
    const auto end = static_cast<std::uint32_t>(pos_);
    if (item == kNone || (nodes_[item].begin == begin && nodes_[item].end == end)) return item;
    Node node;
    node.kind = NodeKind::concat;
    node.children = {item};
    node.begin = begin;
    node.end = end;
    return add(std::move(node));
  }

  std::uint32_t branch(Options& options) {
    const auto begin = static_cast<std::uint32_t>(pos_);
    std::vector<std::uint32_t> items;
    while (error_.empty() && !at_end() && peek() != '|' && peek() != ')') {
      if (skip_extended(options)) continue;
      const std::uint32_t item = atom(options);
      if (!error_.empty()) break;
      items.insert(items.end(), pending_.begin(), pending_.end());
      pending_.clear();
      if (item == kNone) continue;
      items.push_back(quantified(item, options));
    }
    if (items.size() == 1) return items[0];
    Node node;
    node.kind = items.empty() ? NodeKind::empty : NodeKind::concat;
    node.children = std::move(items);
    node.begin = begin;
    node.end = static_cast<std::uint32_t>(pos_);
    return add(std::move(node));
  }

  // (?x): white space and #-comments outside classes are not pattern.
  bool skip_extended(const Options& options) {
    if (!options.extended) return false;
    const char c = peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
      return true;
    }
    if (c != '#') return false;
    while (!at_end() && peek() != '\n') ++pos_;
    return true;
  }

  std::uint32_t atom(Options& options) {
    const auto begin = static_cast<std::uint32_t>(pos_);
    const char c = text_[pos_];
    switch (c) {
      case '(':
        return group(options);
      case '[':
        return add_bytes(class_set(options), begin, options);
      case '.':
        ++pos_;
        return add_bytes(options.dotall ? ~ByteSet{} : ~ByteSet{}.set('\n'), begin, options);
      case '^':
      case '$': {
        ++pos_;
        Node node;
        node.kind = NodeKind::assertion;
        node.assertion = c == '^' ? Assertion::line_start : Assertion::line_end;
        node.begin = begin;
        node.end = static_cast<std::uint32_t>(pos_);
        return add(std::move(node));
      }
      case '*':
      case '+':
      case '?':
        fail("quantifier does not follow a repeatable item");
        return kNone;
      case '\\':
        return escape_atom(options);
      default:
        if (c == '{' && quantifier_follows()) {
          fail("quantifier does not follow a repeatable item");
          return kNone;
        }
        ++pos_;
        return add_bytes(ByteSet{}.set(static_cast<unsigned char>(c)), begin, options);
    }
  }

  std::uint32_t escape_atom(const Options& options) {
    const auto begin = static_cast<std::uint32_t>(pos_);
    if (starts("\\Q")) return quoted(options);
    if (starts("\\E")) {  // \E without \Q: ignored
      pos_ += 2;
      return kNone;
    }
    Escape e = read_escape(text_, pos_, /*in_class=*/false, captures_);
    if (!e.error.empty()) {
      fail(std::move(e.error));
      return kNone;
    }
    Node node;
    node.begin = begin;
    node.end = static_cast<std::uint32_t>(pos_);
    switch (e.kind) {
      case Escape::Kind::byte:
        return add_bytes(ByteSet{}.set(e.byte), begin, options);
      case Escape::Kind::set:
        return add_bytes(e.set, begin, options);
      case Escape::Kind::assertion:
        node.kind = NodeKind::assertion;
        node.assertion = e.assertion;
        return add(std::move(node));
      case Escape::Kind::backref:
        node.kind = NodeKind::backref;
        return add(std::move(node));
    }
    return kNone;
  }

  // \Q…\E: literal bytes; a quantifier after it binds to the last one only,
  // so all but the last go to pending_, which the branch takes first.
  std::uint32_t quoted(const Options& options) {
    pos_ += 2;
    std::uint32_t last = kNone;
    while (!at_end() && !starts("\\E")) {
      if (last != kNone) pending_.push_back(last);
      const auto at = static_cast<std::uint32_t>(pos_);
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      last = add_bytes(ByteSet{}.set(c), at, options);
    }
    if (!at_end()) pos_ += 2;
    return last;
  }

  bool quantifier_follows() const {
    std::size_t i = pos_ + 1;
    auto digits = [&] {
      const std::size_t from = i;
      while (i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
      return i > from;
    };
    if (!digits()) return false;
    if (i < text_.size() && text_[i] == ',') {
      ++i;
      digits();
    }
    return i < text_.size() && text_[i] == '}';
  }

  std::uint32_t quantified(std::uint32_t item, const Options& options);
  std::uint32_t group(Options& options);
  std::uint32_t group_body(Node node, const Options& inner);
  std::uint32_t options_group(Options& options, std::uint32_t begin);
  ByteSet class_set(const Options& options);
  bool class_item(ByteSet& set, bool& single, unsigned char& byte);

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int captures_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> pending_;
  std::string error_;
};

}  // namespace centinela::pattern::detail
