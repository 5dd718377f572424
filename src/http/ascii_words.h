// ASCII case folding a machine word at a time: field names are compared and
// lowered on every request, and a byte at a time costs about eight
// instructions a byte where a word costs about two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "http/chars.h"

namespace centinela::http {

// Per byte of `word`, upper-case ASCII letters made lower-case: 0x80 marks a
// byte that is 'A'..'Z' (at least 'A' once 0x3f is added, not past 'Z' once
// 0x25 is, and ASCII; no sum carries into the next byte), and 0x80 >> 2 is
// the case bit, 0x20. Every other byte is kept.
template <typename Word>
constexpr Word lowered_word(Word word) {
  constexpr Word kOnes = static_cast<Word>(0x0101010101010101ULL);
  const Word low7 = word & static_cast<Word>(0x7f * kOnes);
  const Word upper = (low7 + static_cast<Word>(0x3f * kOnes)) &
                     ~(low7 + static_cast<Word>(0x25 * kOnes)) & ~word &
                     static_cast<Word>(0x80 * kOnes);
  return word | (upper >> 2);
}

template <typename Word>
Word load_word(const char* at) {
  Word word;
  std::memcpy(&word, at, sizeof word);
  return word;
}

// Whether a and b, both `size` bytes, are equal but for the case of their
// ASCII letters (what ascii_lower byte by byte would say). Whole words, the
// tail as a last word overlapping the one before; words that are equal as
// they are (names mostly come in one spelling) are not lowered.
template <typename Word>
bool same_word_ignoring_ascii_case(const char* a, const char* b) {
  const Word x = load_word<Word>(a);
  const Word y = load_word<Word>(b);
  return x == y || lowered_word(x) == lowered_word(y);
}

inline bool equal_ignoring_ascii_case(const char* a, const char* b, std::size_t size) {
  if (size >= 8) {
    for (std::size_t i = 0; i + 8 < size; i += 8) {
      if (!same_word_ignoring_ascii_case<std::uint64_t>(a + i, b + i)) return false;
    }
    return same_word_ignoring_ascii_case<std::uint64_t>(a + size - 8, b + size - 8);
  }
  if (size >= 4) {
    return same_word_ignoring_ascii_case<std::uint32_t>(a, b) &&
           same_word_ignoring_ascii_case<std::uint32_t>(a + size - 4, b + size - 4);
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace centinela::http
