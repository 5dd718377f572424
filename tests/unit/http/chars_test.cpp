#include "http/chars.h"

#include <gtest/gtest.h>

namespace centinela::http {
namespace {

TEST(Chars, TokenCharactersAreRfc9110s) {
  const std::string_view tchars = "!#$%&'*+-.^_`|~09azAZ";
  for (char c : tchars) EXPECT_TRUE(is_tchar(c)) << c;
  for (char c : std::string_view("()<>@,;:\\\"/[]?={} \t\x7f")) EXPECT_FALSE(is_tchar(c)) << c;
  EXPECT_FALSE(is_tchar('\x80'));
}

TEST(Chars, PathCharactersExcludeDelimitersAndNonAscii) {
  for (char c : std::string_view("aZ09-._~!$&'()*+,;=:@")) EXPECT_TRUE(is_pchar(c)) << c;
  for (char c : std::string_view("/?#[]%<>\"\\ ^`{|}")) EXPECT_FALSE(is_pchar(c)) << c;
  EXPECT_FALSE(is_pchar('\xc3'));
  EXPECT_FALSE(is_pchar('\0'));
}

TEST(Chars, FieldValuesAllowObsTextButNoControls) {
  EXPECT_TRUE(is_field_value_char('\t'));
  EXPECT_TRUE(is_field_value_char('\xe9'));
  EXPECT_FALSE(is_field_value_char('\r'));
  EXPECT_FALSE(is_field_value_char('\n'));
  EXPECT_FALSE(is_field_value_char('\0'));
  EXPECT_FALSE(is_field_value_char('\x7f'));
}

}  // namespace
}  // namespace centinela::http
