// Where a libmodsecurity rule message says its rule matched (the incident's
// target and excerpt), from libmodsecurity 3.0.9's texts as CRS writes them.
#include "modsec/matched_text.h"

#include <gtest/gtest.h>

namespace centinela::modsec {
namespace {

TEST(MatchedText, ReadsCrsLogdata) {
  const MatchedText m = matched_text("Matched Data: s&sos found within ARGS:id: 1' OR '1'='1",
                                     "detected SQLi using libinjection.");
  EXPECT_EQ(m.target, "ARGS:id");
  EXPECT_EQ(m.value, "1' OR '1'='1");
}

TEST(MatchedText, MatchedDataMayContainTheSeparator) {
  const MatchedText m =
      matched_text("Matched Data: x found within y found within ARGS:json.q: x found within y", "");
  EXPECT_EQ(m.target, "ARGS:json.q");
  EXPECT_EQ(m.value, "x found within y");
}

TEST(MatchedText, FallsBackToLibmodsecuritysMatchText) {
  const MatchedText m =
      matched_text("",
                   "Matched \"Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' "
                   "(Value: `5' )");
  EXPECT_EQ(m.target, "TX:ANOMALY_SCORE");
  EXPECT_EQ(m.value, "5");
}

TEST(MatchedText, NothingWhenNeitherSays) {
  const MatchedText m = matched_text("Failed to parse", "detected XSS using libinjection.");
  EXPECT_TRUE(m.target.empty());
  EXPECT_TRUE(m.value.empty());
}

}  // namespace
}  // namespace centinela::modsec
