#include "http/field_lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace centinela::http {
namespace {

std::vector<std::pair<std::string, std::string>> lines_of(std::string_view block, bool& ok) {
  std::vector<std::pair<std::string, std::string>> out;
  FieldLineReader reader(block);
  FieldLine line;
  while (reader.next(line)) out.emplace_back(line.name, line.value);
  ok = !reader.malformed();
  return out;
}

TEST(FieldLines, ReadsNamesAndTrimmedValues) {
  bool ok = false;
  auto lines = lines_of("Cache-Control: max-age=60\r\nX-Empty:\r\nX-Tabs:\t a b \t\r\n", ok);
  EXPECT_TRUE(ok);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], std::make_pair(std::string("Cache-Control"), std::string("max-age=60")));
  EXPECT_EQ(lines[1], std::make_pair(std::string("X-Empty"), std::string("")));
  EXPECT_EQ(lines[2], std::make_pair(std::string("X-Tabs"), std::string("a b")));
  EXPECT_TRUE(is_field_block(""));
  EXPECT_TRUE(is_field_block("X-Obs: caf\xc3\xa9\r\n"));
}

TEST(FieldLines, RefusesWhatNoOriginCouldHaveSent) {
  for (std::string_view block : {
           std::string_view("X-A: 1\nSet-Cookie: s=1\r\n"),  // bare LF
           std::string_view("X-A: 1\rSet-Cookie: s=1\r\n"),  // bare CR
           std::string_view("X-A: a\0b\r\n", 10),            // NUL
           std::string_view("X-A: a\x01\r\n"),               // control
           std::string_view("X-A: 1\r\n\r\n"),               // an empty line
           std::string_view("X-A 1\r\n"),                    // no colon
           std::string_view(": 1\r\n"),                      // no name
           std::string_view("X A: 1\r\n"),                   // not a token
           std::string_view("X-A : 1\r\n"),                  // space before the colon
           std::string_view("X-A: 1"),                       // no CRLF
           std::string_view("X-A: 1\r\nX-B: 2"),             // the last without CRLF
           std::string_view("X-A: 1\r"),
       }) {
    EXPECT_FALSE(is_field_block(block)) << testing::PrintToString(std::string(block));
  }
}

TEST(FieldLines, StopsAtTheFirstMalformedLine) {
  FieldLineReader reader("X-A: 1\r\nbroken\r\nX-B: 2\r\n");
  FieldLine line;
  EXPECT_TRUE(reader.next(line));
  EXPECT_EQ(line.name, "X-A");
  EXPECT_FALSE(reader.next(line));
  EXPECT_TRUE(reader.malformed());
  EXPECT_FALSE(reader.next(line));
}

TEST(FieldLines, FieldValuesHaveNoControls) {
  EXPECT_TRUE(is_field_value("\"v1\""));
  EXPECT_TRUE(is_field_value(""));
  EXPECT_FALSE(is_field_value("\"v\"\r\nSet-Cookie: x"));
  EXPECT_FALSE(is_field_value(std::string_view("a\0", 2)));
  EXPECT_FALSE(is_field_value("a\x7f"));
}

}  // namespace
}  // namespace centinela::http
