// Hostile input: huge lines, endless chains, NULs, invalid UTF-8 — bounded
// output, no crash.
#include <gtest/gtest.h>

#include <string>

#include "seclang/parse.h"

namespace centinela::seclang {
namespace {

TEST(StressTest, TenMegabytePatternOnOneLine) {
  std::string pattern(10u << 20, 'a');
  pattern[12345] = '"';  // escaped below
  std::string escaped;
  for (char c : pattern) {
    if (c == '"') escaped += '\\';
    escaped += c;
  }
  const ParseResult result =
      parse_text("SecRule ARGS \"@rx " + escaped + "\" \"id:1,phase:2,block\"\n", "big.conf");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).op.argument, pattern);
}

TEST(StressTest, TenMegabytesOfGarbageIsOneError) {
  std::string line(10u << 20, 'x');
  line[5] = ' ';
  const ParseResult result = parse_text(line, "garbage.conf");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_LT(result.errors[0].message.size(), 200u);
}

TEST(StressTest, ManyContinuedLines) {
  std::string text = "SecRule ARGS \"@rx a\" \"id:1";
  for (int i = 0; i < 300'000; ++i) text += ",\\\n  log";
  text += "\"\n";
  const ParseResult result = parse_text(text, "long.conf");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<Rule>(result.items[0]).actions.size(), 300'001u);
}

TEST(StressTest, AnEndlessChainIsCut) {
  std::string text = "SecRule ARGS a \"id:1,chain\"\n";
  for (int i = 0; i < 100'000; ++i) text += "SecRule ARGS b chain\n";
  const ParseResult result = parse_text(text, "chain.conf");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].to_string(),
            "chain.conf:33:1: chain longer than 32 rules; the rest of it is left out");
  EXPECT_NE(result.errors[1].message.find("left open"), std::string::npos);
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).chain.size(), kMaxChainLinks - 1);
}

TEST(StressTest, NulsEverywhere) {
  std::string text(4096, '\0');
  text += "\nSecRule ARGS x id:1\n";
  text += std::string("SecRule\0ARGS x id:2\n", 20);
  const ParseResult result = parse_text(text, "nul.conf");
  EXPECT_FALSE(result.ok());
  EXPECT_LE(result.errors.size(), kMaxErrors + 1);
  ASSERT_GE(result.items.size(), 1u);
  EXPECT_EQ(std::get<Rule>(result.items[0]).id(), 1u);
}

TEST(StressTest, InvalidUtf8IsKeptAsBytes) {
  const std::string bytes = "\xff\xfe\xc0\xaf\xed\xa0\x80";
  const ParseResult result =
      parse_text("SecRule ARGS \"@rx " + bytes + "\" \"id:1,msg:'" + bytes + "'\"\n", "u.conf");
  ASSERT_TRUE(result.ok());
  const Rule& rule = std::get<Rule>(result.items[0]);
  EXPECT_EQ(rule.op.argument, bytes);
  EXPECT_EQ(rule.msg(), bytes);
  const ParseResult bad = parse_text("Sec" + bytes + "\n", "u.conf");
  ASSERT_EQ(bad.errors.size(), 1u);
  for (char c : bad.errors[0].message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
  }
}

TEST(StressTest, OnlyBackslashesAndQuotes) {
  for (const std::string& text :
       {std::string(100000, '\\'), std::string(100000, '"'), std::string(100000, '\''),
        std::string("SecRule ") + std::string(50000, '|'), std::string("\\\n", 2) + "SecAction"}) {
    const ParseResult result = parse_text(text, "s.conf");
    EXPECT_LE(result.errors.size(), kMaxErrors + 1);
  }
}

}  // namespace
}  // namespace centinela::seclang
