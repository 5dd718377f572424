// A directive line cut into its words: bare (up to the next blank) or
// "double-quoted" (`\"` inside stands for `"`, `\\"` ends the word; other
// backslashes are kept, as ModSecurity keeps them for the operator's regex). Each word remembers
// where its characters were, for errors inside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::seclang::detail {

struct Word {
  std::string text;
  std::size_t start = 0;  // offset in the line of its first character (the quote, if quoted)
  bool quoted = false;
  std::vector<std::uint32_t> dropped;  // indices of text before which a `\` was removed

  // Offset in the line of text[index] (index may be text.size()).
  std::size_t offset_of(std::size_t index) const;
};

struct WordError {
  std::size_t offset;  // in the line
  std::string message;
};

// Appends the words of `line` to `out`; problems (an unterminated quote, a
// character glued to a closing quote) go to `errors`.
void split_words(std::string_view line, std::vector<Word>& out, std::vector<WordError>& errors);

// `text` for a message: in quotes, at most `limit` bytes, control and
// non-ASCII bytes as \xNN (messages stay printable ASCII whatever the input).
std::string quote_for_message(std::string_view text, std::size_t limit = 60);

}  // namespace centinela::seclang::detail
