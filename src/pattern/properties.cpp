// What a pattern needs of its subject, read off the AST. Every answer errs on
// the safe side: a pattern may be said to need less than it does, never more.
#include <optional>

#include "pattern/analysis.h"
#include "pattern/byte_sets.h"

namespace centinela::pattern {
namespace {

// A set every match of node `index` holds a byte of; nullopt when the node
// can match without consuming a byte (or we cannot tell).
std::optional<ByteSet> required_of(const Ast& ast, std::uint32_t index) {
  const Node& node = ast.nodes[index];
  switch (node.kind) {
    case NodeKind::bytes:
      return node.set;
    case NodeKind::concat: {
      // Any consuming item would do; the smallest set gates best.
      std::optional<ByteSet> best;
      for (std::uint32_t child : node.children) {
        auto set = required_of(ast, child);
        if (set && (!best || set->count() < best->count())) best = set;
      }
      return best;
    }
    case NodeKind::alternation: {
      ByteSet all;
      for (std::uint32_t child : node.children) {
        auto set = required_of(ast, child);
        if (!set) return std::nullopt;
        all |= *set;
      }
      return all;
    }
    case NodeKind::repeat:
      if (node.min == 0) return std::nullopt;
      return required_of(ast, node.children[0]);
    case NodeKind::group:
      return required_of(ast, node.children[0]);
    default:  // empty, assertions, lookarounds (outside the match), back references
      return std::nullopt;
  }
}

bool within(const Ast& ast, std::uint32_t index, const ByteSet& alphabet) {
  const Node& node = ast.nodes[index];
  switch (node.kind) {
    case NodeKind::bytes:
      return (node.set & alphabet).any();
    case NodeKind::concat:
      for (std::uint32_t child : node.children) {
        if (!within(ast, child, alphabet)) return false;
      }
      return true;
    case NodeKind::alternation:
      for (std::uint32_t child : node.children) {
        if (within(ast, child, alphabet)) return true;
      }
      return false;
    case NodeKind::repeat:
      return node.min == 0 || within(ast, node.children[0], alphabet);
    case NodeKind::group:
      return within(ast, node.children[0], alphabet);
    default:
      return true;  // consume nothing, or (back references) what a group took
  }
}

bool nullable(const Ast& ast, std::uint32_t index) {
  const Node& node = ast.nodes[index];
  switch (node.kind) {
    case NodeKind::bytes:
      return false;
    case NodeKind::concat:
      for (std::uint32_t child : node.children) {
        if (!nullable(ast, child)) return false;
      }
      return true;
    case NodeKind::alternation:
      for (std::uint32_t child : node.children) {
        if (nullable(ast, child)) return true;
      }
      return false;
    case NodeKind::repeat:
      return node.min == 0 || nullable(ast, node.children[0]);
    case NodeKind::group:
      return nullable(ast, node.children[0]);
    default:
      return true;  // zero-width, or a back reference to an empty capture
  }
}

}  // namespace

ByteSet required_bytes(const Ast& ast) {
  if (ast.nodes.empty()) return {};
  return required_of(ast, ast.root).value_or(ByteSet{});
}

// Every byte-consuming node, lookarounds included (they read past the match),
// counts: the node graph holds every atom once, so a scan over it suffices.
bool may_match_lf(const Ast& ast) {
  for (const Node& node : ast.nodes) {
    if (node.kind == NodeKind::bytes && node.set.test('\n')) return true;
  }
  return false;
}

bool may_match_empty(const Ast& ast) { return ast.nodes.empty() || nullable(ast, ast.root); }

bool uses_subject_anchors(const Ast& ast) {
  for (const Node& node : ast.nodes) {
    if (node.kind != NodeKind::assertion) continue;
    switch (node.assertion) {
      case Assertion::subject_start:
      case Assertion::subject_end:
      case Assertion::subject_end_newline:
      case Assertion::match_start:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool is_case_insensitive(const Ast& ast) {
  for (const Node& node : ast.nodes) {
    if (node.kind == NodeKind::backref) return false;
    if (node.kind == NodeKind::bytes && fold_case(node.set) != node.set) return false;
  }
  return true;
}

bool can_match_within(const Ast& ast, const ByteSet& alphabet) {
  return ast.nodes.empty() || within(ast, ast.root, alphabet);
}

}  // namespace centinela::pattern
