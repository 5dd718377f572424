#include "observe/json_escape.h"

#include <gtest/gtest.h>

// Boost.JSON, header-only: this translation unit holds its definitions for the
// whole unit_observe binary; the other tests include <boost/json.hpp> only.
#include <boost/json/src.hpp>
#include <random>
#include <string>

namespace centinela::observe {
namespace {

std::string as_json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Boost.JSON rejects raw control characters and invalid UTF-8, so a
// successful parse is the property we need.
std::string parse_as_json_string(const std::string& json) {
  boost::json::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  if (ec || !value.is_string()) return "<<not a JSON string: " + json + ">>";
  return std::string(value.as_string());
}

TEST(JsonEscape, PlainTextIsQuotedVerbatim) {
  EXPECT_EQ(as_json("GET /api/v1/users?id=7"), "\"GET /api/v1/users?id=7\"");
  EXPECT_EQ(as_json(""), "\"\"");
}

TEST(JsonEscape, QuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(as_json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json("line1\nline2\r\t"), R"("line1\nline2\r\t")");
  EXPECT_EQ(as_json(std::string("\x01\x1f\x7f\b\f", 5)), R"("\u0001\u001f\u007f\b\f")");
  EXPECT_EQ(as_json(std::string("nul\0byte", 8)), R"("nul\u0000byte")");
}

TEST(JsonEscape, ValidUtf8PassesThrough) {
  EXPECT_EQ(as_json("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(JsonEscape, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json("a\xFF"
                    "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(as_json("\xC0\xAF"), "\"" + fffd + fffd + "\"");                        // overlong '/'
  EXPECT_EQ(as_json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");             // surrogate
  EXPECT_EQ(as_json("\xE2\x82"), "\"" + fffd + fffd + "\"");                        // truncated
  EXPECT_EQ(as_json("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
}

TEST(JsonEscape, JavaScriptLineSeparatorsAreEscaped) {
  EXPECT_EQ(as_json("a\xE2\x80\xA8"
                    "b\xE2\x80\xA9"),
            R"("a\u2028b\u2029")");
}

TEST(JsonEscape, EmptyBecomesNullWhenAsked) {
  std::string out;
  append_json_string_or_null(out, "");
  out += ',';
  append_json_string_or_null(out, "x");
  EXPECT_EQ(out, "null,\"x\"");
}

TEST(JsonEscape, ValidTextRoundTripsThroughAParser) {
  const std::string hostile = "\"}\n{\"injected\":true, \\ \x01 caf\xC3\xA9 \xE2\x80\xA8";
  EXPECT_EQ(parse_as_json_string(as_json(hostile)), hostile);
}

TEST(JsonEscape, ArbitraryBytesAlwaysYieldOneValidJsonString) {
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    const std::string json = as_json(bytes);
    EXPECT_EQ(json.find('\n'), std::string::npos);
    EXPECT_EQ(parse_as_json_string(json).rfind("<<not a JSON string", 0), std::string::npos)
        << "input round " << round;
  }
}

}  // namespace
}  // namespace centinela::observe
