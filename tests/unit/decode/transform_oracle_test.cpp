// Every transformation against libmodsecurity3 itself (the installed 3.0.9,
// through modsec_oracle): generated inputs built from the bytes each
// transformation reacts to (escapes, digits, slashes, dots, whitespace, NUL,
// UTF-8 lead and continuation bytes), plus random bytes. The outputs must be
// the same bytes, and apply() must answer "changed" exactly when they differ
// from the input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "decode/transform.h"
#include "modsec_oracle.h"

namespace centinela::decode {
namespace {

// Pieces an input is assembled from: whole escapes and their broken forms.
const std::vector<std::string> kPieces = {"%",
                                          "%4",
                                          "%41",
                                          "%2f",
                                          "%u",
                                          "%U",
                                          "%u00",
                                          "%u0041",
                                          "%uff1c",
                                          "%uFF3C",
                                          "%uzz12",
                                          "+",
                                          "&",
                                          "&#",
                                          "&#x",
                                          "&#X",
                                          "&#60",
                                          "&#x3c;",
                                          "&#0000000000000000000000000060;",
                                          "&#x10000000000000000041;",
                                          "&lt",
                                          "&LT;",
                                          "&amp;",
                                          "&nbsp;",
                                          "&quot",
                                          "&foo;",
                                          "&#;",
                                          "\\",
                                          "\\u",
                                          "\\u0041",
                                          "\\uff0e",
                                          "\\x",
                                          "\\x4",
                                          "\\x41",
                                          "\\0",
                                          "\\1",
                                          "\\12",
                                          "\\123",
                                          "\\477",
                                          "\\8",
                                          "\\n",
                                          "\\t",
                                          "\\a",
                                          "\\v",
                                          "\\b",
                                          "\\f",
                                          "\\r",
                                          "\\'",
                                          "\\\"",
                                          "\\\\",
                                          "\\\n",
                                          "\\f",
                                          "\\ff",
                                          "\\fff",
                                          "\\ff0c",
                                          "\\0ff0c",
                                          "\\00ff0c",
                                          "\\1234567",
                                          "\\3c ",
                                          "\\3c\t",
                                          "\\g",
                                          "/",
                                          "//",
                                          "/./",
                                          "/../",
                                          "..",
                                          ".",
                                          "./",
                                          "../",
                                          "\\..\\",
                                          "\\.\\",
                                          "/*",
                                          "*/",
                                          "/**/",
                                          "*",
                                          " ",
                                          "  ",
                                          "\t",
                                          "\n",
                                          "\r\n",
                                          "\v",
                                          "\f",
                                          ",",
                                          ";",
                                          "^",
                                          "'",
                                          "\"",
                                          "(",
                                          "A",
                                          "Z",
                                          "a",
                                          "z",
                                          "0",
                                          "9",
                                          "f",
                                          "F",
                                          "u",
                                          "x",
                                          "=",
                                          "==",
                                          "QUJD",
                                          "QQ",
                                          "YWJj",
                                          std::string(1, '\0'),
                                          "\xc2\xa0",
                                          "\xa0",
                                          "\xc2",
                                          "\xc0\xbc",
                                          "\xe0\x80\xbc",
                                          "\xf0\x80\x80\xbc",
                                          "\xed\xa0\x80",
                                          "\xe2\x82\xac",
                                          "\xf0\x9f\x98\x80",
                                          "\xf5\x80\x80\x80",
                                          "\xf8",
                                          "\xff",
                                          "\x80",
                                          "\xbf",
                                          "\xc3",
                                          "\xe2\x82",
                                          "\xf0\x9f\x98",
                                          "~",
                                          "-",
                                          "_",
                                          "@"};

std::string generate(std::mt19937& rng) {
  std::uniform_int_distribution<int> length(0, 16);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> kind(0, 9);
  std::string s;
  for (int n = length(rng); n > 0; --n) {
    if (kind(rng) == 0) {
      s.push_back(static_cast<char>(byte(rng)));
    } else {
      s += kPieces[piece(rng)];
    }
  }
  return s;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    static const char* digits = "0123456789abcdef";
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

class TransformOracleTest : public ::testing::TestWithParam<Transform> {};

TEST_P(TransformOracleTest, SameBytesAsLibmodsecurity) {
  const Transform t = GetParam();
  std::mt19937 rng(20260913 + static_cast<unsigned>(t));
  std::string out;
  int mismatches = 0;
  // CENTINELA_ORACLE_INPUTS=N runs more (by hand; ctest keeps the default).
  const char* env = std::getenv("CENTINELA_ORACLE_INPUTS");
  const long inputs = env != nullptr ? std::atol(env) : 20000;
  for (long i = 0; i < inputs && mismatches < 10; ++i) {
    const std::string input = generate(rng);
    const std::string expected = testing::modsec_transform(t, input);
    out = "untouched";
    const bool changed = apply(t, input, out);
    const std::string& got = changed ? out : input;
    if (got != expected || changed != (got != input) || (!changed && out != "untouched")) {
      ++mismatches;
      ADD_FAILURE() << transform_name(t) << " input " << hex(input) << "\n expected "
                    << hex(expected) << "\n got " << hex(got) << " changed " << changed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, TransformOracleTest,
    ::testing::Values(Transform::lowercase, Transform::url_decode, Transform::url_decode_uni,
                      Transform::html_entity_decode, Transform::js_decode, Transform::css_decode,
                      Transform::utf8_to_unicode, Transform::remove_nulls,
                      Transform::remove_whitespace, Transform::compress_whitespace,
                      Transform::cmd_line, Transform::normalize_path, Transform::normalize_path_win,
                      Transform::replace_comments, Transform::base64_decode, Transform::hex_encode,
                      Transform::sha1, Transform::length),
    [](const ::testing::TestParamInfo<Transform>& info) {
      return std::string(transform_name(info.param));
    });

}  // namespace
}  // namespace centinela::decode
