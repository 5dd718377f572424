// The byte sets PCRE2 gives its escapes and POSIX classes in byte mode with
// its built-in ("C" locale) tables, which is how ModSecurity 3 runs @rx.
#pragma once

#include <optional>
#include <string_view>

#include "pattern/ast.h"

namespace centinela::pattern {

ByteSet range_set(unsigned char first, unsigned char last);

// \d \D \w \W \s \S \h \H \v \V \N \R for the letter after the backslash;
// nothing for other letters.
std::optional<ByteSet> escape_class(char letter);

// [:alpha:] and friends by name (without colons or ^).
std::optional<ByteSet> posix_class(std::string_view name);

// Adds the other case of every ASCII letter in `set` (the only bytes PCRE2's
// default tables fold).
ByteSet fold_case(ByteSet set);

}  // namespace centinela::pattern
