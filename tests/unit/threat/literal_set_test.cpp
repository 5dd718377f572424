#include "threat/literal_set.h"

#include <gtest/gtest.h>

namespace centinela::threat {
namespace {

TEST(LiteralSet, FindsAnyLiteralAnywhereIgnoringCase) {
  LiteralSet set({"sqlmap", ".git/", "NiKtO", "x", "ab"});
  EXPECT_EQ(set.size(), 4u);  // "x" is too short to be a fingerprint
  EXPECT_EQ(set.find_in("sqlmap/1.7"), "sqlmap");
  EXPECT_EQ(set.find_in("Mozilla (NIKTO)"), "nikto");
  EXPECT_EQ(set.find_in("/srv/.GIT/HEAD"), ".git/");
  EXPECT_EQ(set.find_in("cab"), "ab");
  EXPECT_TRUE(set.find_in("/srv/.gi").empty());
  EXPECT_TRUE(set.find_in("").empty());
  EXPECT_TRUE(set.find_in("a").empty());
  EXPECT_TRUE(LiteralSet().find_in("anything").empty());
}

TEST(LiteralSet, ALiteralAtTheVeryEnd) {
  LiteralSet set({"end"});
  EXPECT_EQ(set.find_in("the end"), "end");
  EXPECT_TRUE(set.find_in("the en").empty());
}

TEST(LiteralSet, UnreadableFile) {
  std::string error;
  LiteralSet set = LiteralSet::from_file("/nonexistent/list.data", error);
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(error, "cannot read /nonexistent/list.data");
}

}  // namespace
}  // namespace centinela::threat
