// One backslash escape of a PCRE2 pattern (byte mode), in or out of a
// character class. Internal to the parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pattern/ast.h"

namespace centinela::pattern::detail {

struct Escape {
  enum class Kind { byte, set, assertion, backref } kind = Kind::byte;
  unsigned char byte = 0;
  ByteSet set;
  Assertion assertion = Assertion::word_boundary;
  std::string error;  // the escape is not in the subset (or not PCRE2)
};

// Reads the escape starting at text[pos] == '\\' and moves pos past it.
// `captures_so_far` decides, as PCRE2 does, whether \12 is a back
// reference or an octal byte.
Escape read_escape(std::string_view text, std::size_t& pos, bool in_class, int captures_so_far);

}  // namespace centinela::pattern::detail
