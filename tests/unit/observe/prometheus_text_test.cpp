#include "observe/prometheus_text.h"

#include <gtest/gtest.h>

#include "observe/utf8.h"

namespace centinela::observe::prometheus {
namespace {

TEST(PrometheusTextTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  std::string out;
  append_label_value(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");
}

TEST(PrometheusTextTest, HelpTextKeepsQuotes) {
  std::string out;
  append_help_text(out, "say \"hi\"\\\n");
  EXPECT_EQ(out, "say \"hi\"\\\\\\n");
}

TEST(PrometheusTextTest, InvalidUtf8BecomesReplacementValidStays) {
  for (bool label : {true, false}) {
    std::string out;
    const std::string text = "caf\xC3\xA9 \xFF\xC3 \xE2\x80\xA8";
    label ? append_label_value(out, text) : append_help_text(out, text);
    EXPECT_EQ(out, std::string("caf\xC3\xA9 ") + std::string(kUtf8Replacement) +
                       std::string(kUtf8Replacement) + " \xE2\x80\xA8")
        << label;
  }
}

TEST(Utf8Test, AppendsASequenceOrOneReplacement) {
  std::string out;
  EXPECT_EQ(append_utf8_or_replacement(out, "\xF0\x9F\x98\x80!", 0), 4u);
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
  out.clear();
  EXPECT_EQ(append_utf8_or_replacement(out, "x\xED\xA0\x80", 1), 1u);  // a surrogate
  EXPECT_EQ(out, kUtf8Replacement);
  out.clear();
  EXPECT_EQ(append_utf8_or_replacement(out, "\xE2\x80", 0), 1u);  // truncated
  EXPECT_EQ(out, kUtf8Replacement);
}

}  // namespace
}  // namespace centinela::observe::prometheus
