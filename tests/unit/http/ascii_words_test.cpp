#include "http/ascii_words.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "http/chars.h"

namespace centinela::http {
namespace {

bool bytewise(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Every byte value against every other, in every position of every length a
// word compare treats differently (bytes, one or two 32-bit words, 64-bit
// words with an overlapping tail): the word compare says what ascii_lower
// byte by byte says, letters next to '@', '[', '`' and '{' and bytes past
// 0x7f included.
TEST(AsciiWords, EqualIgnoringCaseAgreesWithBytewiseLowering) {
  const std::string base = "Content-Security-Policy-Report";
  for (std::size_t size = 0; size <= base.size(); ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (int x = 0; x<256; x += size> 8 ? 7 : 1) {
        for (const int y : {x, x ^ 0x20, int{'a'}, int{'Z'}, int{'@'}, int{'`'}, 0xc1}) {
          std::string a = base.substr(0, size);
          std::string b = a;
          a[at] = static_cast<char>(x);
          b[at] = static_cast<char>(y);
          ASSERT_EQ(equal_ignoring_ascii_case(a.data(), b.data(), size), bytewise(a, b))
              << "size " << size << " at " << at << " bytes " << x << ", " << y;
        }
      }
    }
  }
}

TEST(AsciiWords, LoweredWordLowersOnlyAsciiCapitals) {
  for (int c = 0; c < 256; ++c) {
    const auto byte = static_cast<std::uint8_t>(c);
    const std::uint32_t word = 0x41414100u | byte;  // "AAA" and the byte
    const std::uint32_t lowered = lowered_word(word);
    EXPECT_EQ(static_cast<char>(lowered & 0xff), ascii_lower(static_cast<char>(c))) << c;
    EXPECT_EQ(lowered >> 8, 0x616161u) << c;
  }
}

}  // namespace
}  // namespace centinela::http
