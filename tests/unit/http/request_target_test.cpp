#include "http/request_target.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

// The normal form of a path, or "!" when refused.
std::string normal(std::string_view path, std::uint8_t* flags = nullptr) {
  std::string out;
  const PathResult result = normalize_path(path, out);
  if (flags != nullptr) *flags = result.flags;
  return result.ok() ? out : "!";
}

std::uint8_t flags_of(std::string_view path) {
  std::uint8_t flags = 0;
  normal(path, &flags);
  return flags;
}

TEST(NormalizePath, UnreservedEscapesAreDecoded) {
  EXPECT_EQ(normal("/api/%6cogin"), "/api/login");
  EXPECT_EQ(normal("/%7Euser/%41%2d%5F%2E"), "/~user/A-_.");
  EXPECT_EQ(normal("/%30%39%61%7A"), "/09az");
}

TEST(NormalizePath, OtherEscapesKeepUpperCaseHex) {
  EXPECT_EQ(normal("/a/%c3%a9"), "/a/%C3%A9");
  EXPECT_EQ(normal("/a%20b"), "/a%20b");
  EXPECT_EQ(normal("/a%3fb%23c"), "/a%3Fb%23c");
  EXPECT_EQ(normal("/a%25"), "/a%25");
}

TEST(NormalizePath, DotSegmentsAreRemoved) {
  EXPECT_EQ(normal("/api/./login"), "/api/login");
  EXPECT_EQ(normal("/api/x/../login"), "/api/login");
  EXPECT_EQ(normal("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(normal("/a/b/.."), "/a/");
  EXPECT_EQ(normal("/a/b/."), "/a/b/");
  EXPECT_EQ(normal("/a/%2e/b/%2E%2E/c"), "/a/c");
  EXPECT_EQ(normal("/a/.%2e/b"), "/b");
  EXPECT_EQ(normal("/."), "/");
  EXPECT_EQ(normal("/a/..b/c."), "/a/..b/c.");  // not dot segments
  EXPECT_EQ(normal("/..."), "/...");
}

TEST(NormalizePath, RepeatedSlashesMerge) {
  EXPECT_EQ(normal("//api/login"), "/api/login");
  EXPECT_EQ(normal("/api//login"), "/api/login");
  EXPECT_EQ(normal("///a//b///"), "/a/b/");
  EXPECT_EQ(normal("//"), "/");
  EXPECT_EQ(normal("/a/.//b"), "/a/b");
}

TEST(NormalizePath, EmptyIsRoot) {
  EXPECT_EQ(normal(""), "/");
  EXPECT_EQ(normal("/"), "/");
}

TEST(NormalizePath, BrowserRawBytesAreEncoded) {
  EXPECT_EQ(normal("/a|b[1]{x}^`"), "/a%7Cb%5B1%5D%7Bx%7D%5E%60");
}

TEST(NormalizePath, FlagsWhatAnOriginMightReadDifferently) {
  EXPECT_EQ(flags_of("/a%2Fb"), kEncodedSlash);
  EXPECT_EQ(flags_of("/a%2fb"), kEncodedSlash);
  EXPECT_EQ(flags_of("/a%5cb"), kEncodedSlash);
  EXPECT_EQ(flags_of("/a%00"), kEncodedNul);
  EXPECT_EQ(flags_of("/../etc"), kClimbsAboveRoot);
  EXPECT_EQ(flags_of("/a/../.."), kClimbsAboveRoot);
  EXPECT_EQ(flags_of("/%2e%2e/x"), kClimbsAboveRoot);
  EXPECT_EQ(flags_of("/a/b/../.."), 0);
  EXPECT_EQ(flags_of("/a/b"), 0);
  // Flagged paths still normalise (routing uses them on opt-out routes).
  EXPECT_EQ(normal("/../raw/x"), "/raw/x");
  EXPECT_EQ(normal("/raw/a%2fb"), "/raw/a%2Fb");
}

TEST(NormalizePath, BytesOutsideRfc3986AreRefused) {
  for (const char* path : {"/a#b", "/a\\b", "/caf\xc3\xa9", "/a<b", "/a>b", "/a\"b", "/a b",
                           "/a\tb", "/a\x7f", "/a\x01", "/a?b"}) {
    EXPECT_EQ(normal(path), "!") << path;
  }
  EXPECT_EQ(normal(std::string_view("/a\0b", 4)), "!");
}

TEST(NormalizePath, BrokenEscapesAreRefused) {
  std::string out;
  for (const char* path : {"/a%", "/a%4", "/a%zz", "/a%4g", "/a%%41", "/%"}) {
    EXPECT_EQ(normalize_path(path, out).error, TargetError::bad_escape) << path;
  }
}

TEST(NormalizePath, APathMustStartWithASlash) {
  std::string out;
  EXPECT_EQ(normalize_path("a/b", out).error, TargetError::bad_form);
}

TEST(NormalizePath, IsIdempotent) {
  for (const char* path : {"/a/%7e/../b//c/./%c3%a9|", "//x/%2F/..", "/%2e%2e/a/.", "/a/b/.."}) {
    const std::string once = normal(path);
    EXPECT_EQ(normal(once), once) << path;
  }
}

TEST(ParseTarget, OriginForm) {
  RequestTarget t;
  ASSERT_EQ(parse_request_target("/a/b?x=1&y", t), TargetError::none);
  EXPECT_EQ(t.form, TargetForm::origin);
  EXPECT_EQ(t.path, "/a/b");
  EXPECT_EQ(t.query, "x=1&y");
  EXPECT_TRUE(t.has_query);
  EXPECT_EQ(t.path_and_query, "/a/b?x=1&y");
  ASSERT_EQ(parse_request_target("/a?", t), TargetError::none);
  EXPECT_TRUE(t.has_query);
  EXPECT_EQ(t.query, "");
  ASSERT_EQ(parse_request_target("/a", t), TargetError::none);
  EXPECT_FALSE(t.has_query);
}

TEST(ParseTarget, AbsoluteForm) {
  RequestTarget t;
  ASSERT_EQ(parse_request_target("http://Example.com:8080/a?q", t), TargetError::none);
  EXPECT_EQ(t.form, TargetForm::absolute);
  EXPECT_EQ(t.authority, "Example.com:8080");
  EXPECT_EQ(t.path, "/a");
  EXPECT_EQ(t.query, "q");
  ASSERT_EQ(parse_request_target("HTTPS://example.com", t), TargetError::none);
  EXPECT_EQ(t.authority, "example.com");
  EXPECT_EQ(t.path, "");
  EXPECT_FALSE(t.has_query);
  ASSERT_EQ(parse_request_target("http://example.com?q=1", t), TargetError::none);
  EXPECT_EQ(t.path, "");
  EXPECT_EQ(t.path_and_query, "?q=1");
  EXPECT_EQ(parse_request_target("http://u@example.com/", t), TargetError::userinfo);
  EXPECT_EQ(parse_request_target("http://example.com:@evil/", t), TargetError::userinfo);
  EXPECT_EQ(parse_request_target("http:///a", t), TargetError::bad_form);
  EXPECT_EQ(parse_request_target("ftp://example.com/", t), TargetError::bad_form);
  EXPECT_EQ(parse_request_target("http:/example.com/", t), TargetError::bad_form);
}

TEST(ParseTarget, AsteriskAndAuthorityForm) {
  RequestTarget t;
  ASSERT_EQ(parse_request_target("*", t), TargetError::none);
  EXPECT_EQ(t.form, TargetForm::asterisk);
  EXPECT_EQ(parse_request_target("example.com:443", t), TargetError::bad_form);
  EXPECT_EQ(parse_request_target("**", t), TargetError::bad_form);
  EXPECT_EQ(parse_request_target("", t), TargetError::bad_form);
}

TEST(ParseTarget, QueryIsCheckedNotRewritten) {
  RequestTarget t;
  ASSERT_EQ(parse_request_target("/a?b=/c?d&e=%7e:@!$'()*+,;=", t), TargetError::none);
  EXPECT_EQ(t.query, "b=/c?d&e=%7e:@!$'()*+,;=");
  ASSERT_EQ(parse_request_target("/a?f[x]={1}|^`", t), TargetError::none);
  EXPECT_FALSE(t.query_needs_escapes);
  ASSERT_EQ(parse_request_target("/a?b=c\\d", t), TargetError::none);  // browsers send it raw
  EXPECT_FALSE(t.query_needs_escapes);
  for (const char* target : {"/a?b c", "/a?b#c", "/a?\xc3\xa9", "/a?\x7f", "/a?\x01"}) {
    EXPECT_EQ(parse_request_target(target, t), TargetError::bad_char) << target;
  }
  EXPECT_EQ(parse_request_target("/a?b=%zz", t), TargetError::bad_escape);
  EXPECT_EQ(parse_request_target("/a?b=%4", t), TargetError::bad_escape);
  EXPECT_EQ(parse_request_target("/a?b=%", t), TargetError::bad_escape);
}

TEST(ParseTarget, QuotesAndAngleBracketsInAQueryAreEscapedAsABrowserWould) {
  RequestTarget t;
  ASSERT_EQ(parse_request_target("/s?q=\"a\"<b>%22", t), TargetError::none);
  EXPECT_TRUE(t.query_needs_escapes);
  EXPECT_EQ(t.query, "q=\"a\"<b>%22");  // as sent
  std::string out = "/s?";
  append_normal_query(t.query, out);
  EXPECT_EQ(out, "/s?q=%22a%22%3Cb%3E%22");
  // Nothing else changes: the escapes already there keep their case.
  out.clear();
  append_normal_query("a=%7e&b=[x]|^`\\", out);
  EXPECT_EQ(out, "a=%7e&b=[x]|^`\\");
}

}  // namespace
}  // namespace centinela::http
