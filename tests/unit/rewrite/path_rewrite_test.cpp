#include "rewrite/path_rewrite.h"

#include <gtest/gtest.h>

namespace centinela::rewrite {
namespace {

std::string rewritten(const config::RewriteConfig& config, std::string_view target) {
  std::string out;
  return PathRewrite(config).apply(target, out) ? out : "(unchanged)";
}

TEST(PathRewrite, StripsThePrefixAtASegmentBoundaryAndKeepsTheQuery) {
  config::RewriteConfig strip;
  strip.strip_prefix = "/api";
  EXPECT_EQ(rewritten(strip, "/api/users/7?x=1"), "/users/7?x=1");
  EXPECT_EQ(rewritten(strip, "/api"), "/");
  EXPECT_EQ(rewritten(strip, "/api?q"), "/?q");
  EXPECT_EQ(rewritten(strip, "/apiary/x"), "(unchanged)");
  EXPECT_EQ(rewritten(strip, "/other"), "(unchanged)");
}

TEST(PathRewrite, RegexReplacementWithGroups) {
  config::RewriteConfig rewrite;
  rewrite.regex = R"(^/users/(\d+)/posts/(\w+)$)";
  rewrite.replacement = "/v2/posts/$2?by=$1&cost=$$";
  EXPECT_EQ(rewritten(rewrite, "/users/42/posts/abc?page=2"), "/v2/posts/abc?by=42&cost=$?page=2");
  EXPECT_EQ(rewritten(rewrite, "/users/x/posts/abc"), "(unchanged)");
}

TEST(PathRewrite, StripThenRegexAndAlwaysALeadingSlash) {
  config::RewriteConfig both;
  both.strip_prefix = "/svc";
  both.regex = "^/(.*)$";
  both.replacement = "$1";
  EXPECT_EQ(rewritten(both, "/svc/a/b"), "/a/b");
  // The regex matches the whole path only (regex_match), not a part of it.
  config::RewriteConfig partial;
  partial.regex = "/a";
  partial.replacement = "/b";
  EXPECT_EQ(rewritten(partial, "/a/c"), "(unchanged)");
}

TEST(PathRewrite, ALongPathIsNoProblem) {
  config::RewriteConfig rewrite;
  rewrite.regex = "^/(a*)+b$";  // catastrophic for a backtracking matcher
  rewrite.replacement = "/x";
  const std::string target = "/" + std::string(5000, 'a');
  std::string out;
  // Past Boost.Regex's complexity bound it gives up: no match, no exception.
  EXPECT_FALSE(PathRewrite(rewrite).apply(target, out));
}

}  // namespace
}  // namespace centinela::rewrite
