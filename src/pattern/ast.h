// A syntax tree of the PCRE subset CRS writes its @rx patterns in: enough to
// reason about what a pattern can match (its required bytes, whether a match
// can hold a line feed) and to cut it at an alternation, never to run it.
// Byte mode, as ModSecurity 3 compiles @rx (no UTF-8): every atom is a set of
// bytes, with case folding already applied.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::pattern {

using ByteSet = std::bitset<256>;

enum class NodeKind : std::uint8_t {
  empty,        // matches the empty string
  bytes,        // one byte of `set`
  concat,       // children in order
  alternation,  // one of the children (the branches)
  repeat,       // children[0] repeated min..max times
  group,        // children[0] in parentheses (capturing or not)
  assertion,    // zero-width: ^ $ \b \B \A \z \Z \G
  lookaround,   // zero-width: (?=…) (?!…) (?<=…) (?<!…) around children[0]
  backref,      // \1, \g{…}, \k<…>: repeats what a group captured
};

enum class Assertion : std::uint8_t {
  line_start,
  line_end,
  word_boundary,
  not_word_boundary,
  subject_start,        // \A
  subject_end,          // \z
  subject_end_newline,  // \Z
  match_start,          // \G
};

inline constexpr std::uint32_t kUnbounded = 0xFFFFFFFFu;

struct Node {
  NodeKind kind = NodeKind::empty;
  ByteSet set;                          // bytes
  std::vector<std::uint32_t> children;  // indices into Ast::nodes
  std::uint32_t min = 1, max = 1;       // repeat (max may be kUnbounded)
  bool lazy = false, possessive = false;
  bool capturing = false;                // group
  bool atomic = false;                   // group: (?>…)
  bool sets_option = false;              // empty: an inline (?i) that changes the rest of its group
  bool behind = false, negated = false;  // lookaround
  Assertion assertion = Assertion::line_start;
  std::uint32_t begin = 0, end = 0;  // source span [begin, end)
};

struct Ast {
  std::vector<Node> nodes;
  std::uint32_t root = 0;
  int captures = 0;
};

// Bounds that keep hostile patterns cheap: the parser refuses (with an
// error) anything longer or deeper, never recursing without limit.
inline constexpr std::size_t kMaxPatternBytes = 64 * 1024;
inline constexpr int kMaxNesting = 256;

struct ParseResult {
  bool ok = false;
  Ast ast;
  std::string error;  // with the byte offset, when !ok
};

// Parses `pcre` with ModSecurity 3's options (DOTALL | MULTILINE; inline
// (?i), (?s), (?m), (?x) honoured). Constructs outside the subset (\p, \K,
// recursion, conditionals, verbs, …) give an error: the caller then knows
// nothing about the pattern and must assume the worst.
ParseResult parse(std::string_view pcre);

}  // namespace centinela::pattern
