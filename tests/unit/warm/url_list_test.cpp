#include "warm/url_list.h"

#include <gtest/gtest.h>

namespace centinela::warm {
namespace {

WarmUrl parsed(std::string_view text) {
  std::string error;
  auto url = parse_warm_url(text, error);
  EXPECT_TRUE(url) << text << ": " << error;
  return url.value_or(WarmUrl{"?", "?"});
}

std::string refused(std::string_view text) {
  std::string error;
  auto url = parse_warm_url(text, error);
  EXPECT_FALSE(url) << text << " was accepted as " << (url ? url->host + url->target : "");
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(WarmUrlTest, PathsKeepTheirQueryAndLoseTheFragment) {
  EXPECT_EQ(parsed("/"), (WarmUrl{"", "/"}));
  EXPECT_EQ(parsed("/api/items?page=2&sort=asc"), (WarmUrl{"", "/api/items?page=2&sort=asc"}));
  EXPECT_EQ(parsed("/docs#section"), (WarmUrl{"", "/docs"}));
}

TEST(WarmUrlTest, AbsoluteUrlsGiveTheHost) {
  EXPECT_EQ(parsed("http://example.com/a?b=1"), (WarmUrl{"example.com", "/a?b=1"}));
  EXPECT_EQ(parsed("https://api.example.com:8443/v1"), (WarmUrl{"api.example.com:8443", "/v1"}));
  EXPECT_EQ(parsed("HTTP://Example.com"), (WarmUrl{"Example.com", "/"}));
  EXPECT_EQ(parsed("http://example.com?q=1"), (WarmUrl{"example.com", "/?q=1"}));
  EXPECT_EQ(parsed("http://[::1]:8080/x"), (WarmUrl{"[::1]:8080", "/x"}));
  EXPECT_EQ(parsed("http://example.com#frag"), (WarmUrl{"example.com", "/"}));
}

TEST(WarmUrlTest, RefusesWhatCouldChangeTheRequestShape) {
  refused("/a b");
  refused("/a\r\nX-Injected: 1");
  refused(std::string_view("/a\0b", 4));
  refused("/caf\xc3\xa9");
  refused("example.com/path");
  refused("ftp://example.com/");
  refused("http:///path");
  refused("http://user:pass@example.com/");
  refused("http://exa mple.com/");
  refused("http://example.com:99999/");
  refused("http://example.com:/");
  refused("http://example.com:12ab/");
  refused("http://[::1/");
  refused("http://ex\"ample.com/");
  refused("");
  EXPECT_NE(refused("/" + std::string(kMaxTargetBytes, 'a')).find("longer"), std::string::npos);
}

TEST(UrlListTest, SkipsCommentsAndBlankLinesAndTrims) {
  const UrlList list = parse_url_list(
      "# hot pages\n"
      "\n"
      "/a\r\n"
      "   /b?x=1   \n"
      "\t# indented comment\n"
      "http://shop.example/c\n"
      "/d");  // no final newline
  EXPECT_TRUE(list.errors.empty());
  ASSERT_EQ(list.urls.size(), 4u);
  EXPECT_EQ(list.urls[0], (WarmUrl{"", "/a"}));
  EXPECT_EQ(list.urls[1], (WarmUrl{"", "/b?x=1"}));
  EXPECT_EQ(list.urls[2], (WarmUrl{"shop.example", "/c"}));
  EXPECT_EQ(list.urls[3], (WarmUrl{"", "/d"}));
}

TEST(UrlListTest, NamesTheLineOfEachBadEntry) {
  const UrlList list = parse_url_list("/ok\nnot a url\n/ok2\nmailto:x@y\n");
  EXPECT_EQ(list.urls.size(), 2u);
  ASSERT_EQ(list.errors.size(), 2u);
  EXPECT_EQ(list.errors[0].rfind("line 2: ", 0), 0u) << list.errors[0];
  EXPECT_EQ(list.errors[1].rfind("line 4: ", 0), 0u) << list.errors[1];
}

TEST(UrlListTest, EmptyInputGivesNothing) {
  EXPECT_TRUE(parse_url_list("").urls.empty());
  EXPECT_TRUE(parse_url_list("\n\n# only comments\n").urls.empty());
  EXPECT_TRUE(parse_url_list("\n\n# only comments\n").errors.empty());
}

}  // namespace
}  // namespace centinela::warm
