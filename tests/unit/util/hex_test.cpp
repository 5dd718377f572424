#include "util/hex.h"

#include <gtest/gtest.h>

#include <array>

namespace centinela::util {
namespace {

TEST(HexTest, LowerCaseHighNibbleFirst) {
  const std::array<unsigned char, 5> bytes{0x00, 0x0f, 0xa5, 0xf0, 0xff};
  std::string out = "x";
  append_hex(out, bytes);
  EXPECT_EQ(out, "x000fa5f0ff");
}

TEST(HexTest, APrefixMayEndMidByte) {
  const std::array<unsigned char, 2> bytes{0xab, 0xcd};
  for (std::size_t n = 0; n <= 4; ++n) {
    std::string out;
    append_hex(out, bytes, n);
    EXPECT_EQ(out, std::string("abcd").substr(0, n)) << n;
  }
  std::string out;
  append_hex(out, bytes, 99);  // never past the bytes
  EXPECT_EQ(out, "abcd");
}

TEST(HexTest, NothingToAppend) {
  std::string out = "same";
  append_hex(out, std::span<const unsigned char>());
  EXPECT_EQ(out, "same");
}

}  // namespace
}  // namespace centinela::util
