#include "seclang/words.h"

#include <algorithm>

namespace centinela::seclang::detail {

std::size_t Word::offset_of(std::size_t index) const {
  const std::size_t before =
      std::upper_bound(dropped.begin(), dropped.end(), static_cast<std::uint32_t>(index)) -
      dropped.begin();
  return start + (quoted ? 1 : 0) + index + before;
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// A quoted word from line[at] (the opening quote); returns the offset after
// it. As ModSecurity reads it: a quote after an odd run of backslashes is
// part of the word (the last backslash dropped), after an even run it
// closes the word; every other backslash stays.
std::size_t quoted_word(std::string_view line, std::size_t at, Word& word,
                        std::vector<WordError>& errors) {
  std::size_t i = at + 1;
  std::size_t run = i;  // start of the bytes not yet copied
  while (i < line.size() && line[i] != '"') {
    if (line[i] != '\\') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && line[j] == '\\') ++j;
    if (j < line.size() && line[j] == '"' && (j - i) % 2 == 1) {
      word.text.append(line.data() + run, j - 1 - run);
      word.dropped.push_back(static_cast<std::uint32_t>(word.text.size()));
      word.text.push_back('"');
      run = j + 1;
      i = j + 1;
    } else {
      i = j;
    }
  }
  word.text.append(line.data() + run, i - run);
  if (i >= line.size()) {
    errors.push_back({at, "unterminated quote: no closing \" before the end of the line"});
    return i;
  }
  ++i;  // the closing quote
  if (i < line.size() && !blank(line[i])) {
    errors.push_back({i, "unexpected " + quote_for_message(line.substr(i, 1)) +
                             " after a closing quote: put a blank between arguments"});
    while (i < line.size() && !blank(line[i])) ++i;
  }
  return i;
}

}  // namespace

void split_words(std::string_view line, std::vector<Word>& out, std::vector<WordError>& errors) {
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size()) return;
    Word& word = out.emplace_back();
    word.start = i;
    if (line[i] == '"') {
      word.quoted = true;
      i = quoted_word(line, i, word, errors);
      continue;
    }
    const std::size_t begin = i;
    while (i < line.size() && !blank(line[i])) ++i;
    word.text.assign(line.data() + begin, i - begin);
  }
}

std::string quote_for_message(std::string_view text, std::size_t limit) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (text.size() > limit) out += "...";
  out.push_back('\'');
  return out;
}

}  // namespace centinela::seclang::detail
