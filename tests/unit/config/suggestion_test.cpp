#include "config/suggestion.h"

#include <gtest/gtest.h>

namespace centinela::config {
namespace {

TEST(EditDistance, CountsSwapsAsOneStep) {
  EXPECT_EQ(edit_distance("listen", "listen"), 0u);
  EXPECT_EQ(edit_distance("listn", "listen"), 1u);
  EXPECT_EQ(edit_distance("lsiten", "listen"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestMatch, WithinTwoEditsOrAPrefix) {
  const std::vector<std::string_view> keys = {"listen", "workers", "drain_timeout", "limits"};
  EXPECT_EQ(closest_match("listn", keys), "listen");
  EXPECT_EQ(closest_match("wrokers", keys), "workers");
  EXPECT_EQ(closest_match("drain", keys), "drain_timeout");
  EXPECT_EQ(closest_match("Listen", keys), "listen");
  EXPECT_FALSE(closest_match("database", keys));
  EXPECT_EQ(closest_match("warning", {"debug", "info", "warn", "error"}), "warn");
}

TEST(ClosestMatch, ShortWordsDoNotMatchEverything) {
  EXPECT_FALSE(closest_match("xy", {"ip"}));
  EXPECT_EQ(did_you_mean("xy", {"ip"}), "");
  EXPECT_EQ(did_you_mean("gzp", {"br", "zstd", "gzip"}), " (did you mean 'gzip'?)");
}

}  // namespace
}  // namespace centinela::config
