#include "pattern/split.h"

#include <algorithm>

namespace centinela::pattern::detail {
namespace {

void collect(const Ast& ast, std::uint32_t index, std::vector<std::uint32_t>& out) {
  const Node& node = ast.nodes[index];
  switch (node.kind) {
    case NodeKind::alternation:
      out.push_back(index);
      return;
    case NodeKind::concat:
      for (std::uint32_t child : node.children) collect(ast, child, out);
      return;
    case NodeKind::group:
      if (!node.atomic) collect(ast, node.children[0], out);
      return;
    case NodeKind::repeat:
      if (node.min == 1 && node.max == 1) collect(ast, node.children[0], out);
      return;
    default:
      return;
  }
}

bool sets_options(const Ast& ast, std::uint32_t branch) {
  const Node& node = ast.nodes[branch];
  if (node.sets_option) return true;
  if (node.kind != NodeKind::concat) return false;
  return std::any_of(node.children.begin(), node.children.end(),
                     [&](std::uint32_t child) { return ast.nodes[child].sets_option; });
}

}  // namespace

std::vector<std::uint32_t> split_candidates(const Ast& ast) {
  std::vector<std::uint32_t> out;
  if (ast.nodes.empty()) return out;
  const bool backrefs = std::any_of(ast.nodes.begin(), ast.nodes.end(),
                                    [](const Node& n) { return n.kind == NodeKind::backref; });
  if (backrefs) return out;
  collect(ast, ast.root, out);
  std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
    return ast.nodes[a].end - ast.nodes[a].begin > ast.nodes[b].end - ast.nodes[b].begin;
  });
  return out;
}

std::vector<std::string> distribute(std::string_view pcre, const Ast& ast, std::uint32_t index) {
  const Node& alternation = ast.nodes[index];
  std::vector<std::string> pieces;
  for (std::uint32_t branch : alternation.children) {
    if (sets_options(ast, branch)) return {};
  }
  const std::string_view head = pcre.substr(0, alternation.begin);
  const std::string_view tail = pcre.substr(alternation.end);
  for (std::uint32_t branch : alternation.children) {
    const Node& node = ast.nodes[branch];
    std::string piece;
    piece.reserve(head.size() + (node.end - node.begin) + tail.size());
    piece.append(head).append(pcre.substr(node.begin, node.end - node.begin)).append(tail);
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace centinela::pattern::detail
