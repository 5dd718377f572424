#include "http/request_line.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

RequestLineError error_of(std::string_view line) {
  RequestLine out;
  return parse_request_line(line, out);
}

TEST(RequestLine, ParsesMethodTargetVersion) {
  RequestLine line;
  ASSERT_EQ(parse_request_line("GET /a?b HTTP/1.1", line), RequestLineError::none);
  EXPECT_EQ(line.method, "GET");
  EXPECT_EQ(line.target, "/a?b");
  EXPECT_EQ(line.version, 11u);
  ASSERT_EQ(parse_request_line("M-SEARCH * HTTP/1.0", line), RequestLineError::none);
  EXPECT_EQ(line.method, "M-SEARCH");
  EXPECT_EQ(line.version, 10u);
  // Which target bytes are acceptable is the target parser's call.
  EXPECT_EQ(error_of("GET /caf\xc3\xa9 HTTP/1.1"), RequestLineError::none);
}

TEST(RequestLine, Http09LinesAreMalformed) {
  EXPECT_EQ(error_of("GET /"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET /index.html"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET"), RequestLineError::malformed);
  EXPECT_EQ(error_of(""), RequestLineError::malformed);
}

TEST(RequestLine, SpacingIsStrict) {
  EXPECT_EQ(error_of("GET  / HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET /  HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of(" GET / HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET / HTTP/1.1 "), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET\t/ HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET / HTTP/1.1 extra"), RequestLineError::malformed);
}

TEST(RequestLine, MethodIsAToken) {
  EXPECT_EQ(error_of("G(T / HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("G\x01T / HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GÉT / HTTP/1.1"), RequestLineError::malformed);
}

TEST(RequestLine, TargetHasNoControls) {
  EXPECT_EQ(error_of("GET /a\x01 HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of("GET /a\x7f HTTP/1.1"), RequestLineError::malformed);
  EXPECT_EQ(error_of(std::string_view("GET /\0 HTTP/1.1", 16)), RequestLineError::malformed);
}

TEST(RequestLine, VersionSyntax) {
  for (const char* line : {"GET / HTTP/1.10", "GET / http/1.1", "GET / HTTP/1", "GET / HTTP/1.x",
                           "GET / HTTP/11", "GET / HTTPS/1.1", "GET / HTTP/1,1", "GET / HTTP/"}) {
    EXPECT_EQ(error_of(line), RequestLineError::malformed) << line;
  }
}

TEST(RequestLine, OtherVersionsAreUnsupported) {
  for (const char* line :
       {"GET / HTTP/2.0", "GET / HTTP/1.2", "GET / HTTP/0.9", "GET / HTTP/3.0", "GET / HTTP/9.9"}) {
    EXPECT_EQ(error_of(line), RequestLineError::unsupported_version) << line;
  }
}

TEST(FirstLine, WaitsForTheLineToEnd) {
  EXPECT_EQ(check_first_line(""), RequestLineError::none);
  EXPECT_EQ(check_first_line("GET /"), RequestLineError::none);
  EXPECT_EQ(check_first_line("GET / HTTP/1.1\r"), RequestLineError::none);
  EXPECT_EQ(check_first_line("GET / HTTP/1.1\r\nHost: a\r\n"), RequestLineError::none);
}

TEST(FirstLine, RefusesACompleteBadLine) {
  EXPECT_EQ(check_first_line("GET /\r\n"), RequestLineError::malformed);
  EXPECT_EQ(check_first_line("\r\n\r\nGET /\r\n"), RequestLineError::malformed);
  EXPECT_EQ(check_first_line("GET / HTTP/2.0\r\n"), RequestLineError::unsupported_version);
  EXPECT_EQ(check_first_line("\r\n\r\n"), RequestLineError::none);  // only empty lines yet
}

}  // namespace
}  // namespace centinela::http
