#include "http/authority.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

// The normal form, or "!" + the error's number when refused.
std::string normal(std::string_view value) {
  std::string out;
  const AuthorityResult result = normalize_authority(value, out);
  if (!result.ok()) return "!" + std::to_string(static_cast<int>(result.error));
  return out;
}

AuthorityError error_of(std::string_view value) {
  std::string out;
  return normalize_authority(value, out).error;
}

TEST(Authority, RegNamesAreLowerCased) {
  EXPECT_EQ(normal("example.com"), "example.com");
  EXPECT_EQ(normal("Example.COM"), "example.com");
  EXPECT_EQ(normal("a-b_c~d.example"), "a-b_c~d.example");
  EXPECT_EQ(normal("localhost"), "localhost");
  EXPECT_EQ(normal("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(normal("x"), "x");
}

TEST(Authority, OneTrailingDotIsDropped) {
  EXPECT_EQ(normal("example.com."), "example.com");
  EXPECT_EQ(normal("example.com.:8080"), "example.com:8080");
  EXPECT_EQ(error_of("example.com.."), AuthorityError::bad_host);
  EXPECT_EQ(error_of("."), AuthorityError::bad_host);
  EXPECT_EQ(error_of(".example.com"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("a..b"), AuthorityError::bad_host);
}

TEST(Authority, PortsAreDigitsUpTo65535WithoutLeadingZeros) {
  EXPECT_EQ(normal("example.com:8443"), "example.com:8443");
  EXPECT_EQ(normal("example.com:08443"), "example.com:8443");
  EXPECT_EQ(normal("example.com:00000"), "example.com:0");
  EXPECT_EQ(normal("example.com:65535"), "example.com:65535");
  EXPECT_EQ(normal("example.com:80"), "example.com:80");  // kept: key = forwarded
  EXPECT_EQ(error_of("example.com:65536"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com:099999"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com:"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com:8o"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com:+80"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com: 80"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("example.com:80:80"), AuthorityError::bad_port);
}

TEST(Authority, HostSizeExcludesThePort) {
  std::string out;
  AuthorityResult result = normalize_authority("Example.com.:0080", out);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(out.substr(0, result.host_size), "example.com");
  result = normalize_authority("[::1]:8080", out);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(out.substr(0, result.host_size), "[::1]");
  result = normalize_authority("example.com", out);
  EXPECT_EQ(result.host_size, out.size());
}

TEST(Authority, WhatTheAuditFoundIsRefused) {
  EXPECT_EQ(error_of("victim.com:@evil.com"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("user@victim.com"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com evil.com"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com\t"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("vic\x01tim.com"), AuthorityError::bad_host);
  EXPECT_EQ(error_of(std::string_view("vic\0tim.com", 11)), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com/evil"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com\\evil"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com?x"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("victim.com#x"), AuthorityError::bad_host);
  EXPECT_EQ(error_of("caf\xc3\xa9.com"), AuthorityError::bad_host);
}

TEST(Authority, SubDelimsAndEscapesAreRefused) {
  // RFC 3986 reg-name allows them; no DNS name has them, and some origins
  // split on ',' or ';'.
  for (const char* host : {"a,b.com", "a;b.com", "a!b", "a$b", "a&b", "a'b", "a(b)", "a*b", "a+b",
                           "a=b", "a%2eb", "%41"}) {
    EXPECT_EQ(error_of(host), AuthorityError::bad_host) << host;
  }
}

TEST(Authority, EmptyOrPortOnlyIsEmpty) {
  EXPECT_EQ(error_of(""), AuthorityError::empty);
  EXPECT_EQ(error_of(":80"), AuthorityError::empty);
  EXPECT_EQ(error_of(":"), AuthorityError::empty);
}

TEST(Authority, LongNamesAreRefused) {
  const std::string longest(kMaxHostBytes, 'a');
  EXPECT_EQ(normal(longest), longest);
  EXPECT_EQ(normal(longest + "."), longest);
  EXPECT_EQ(error_of(longest + "a"), AuthorityError::bad_host);
}

TEST(Authority, Ipv6LiteralsAreCanonical) {
  EXPECT_EQ(normal("[::1]"), "[::1]");
  EXPECT_EQ(normal("[::1]:8080"), "[::1]:8080");
  EXPECT_EQ(normal("[2001:DB8:0:0:0:0:0:1]"), "[2001:db8::1]");
  EXPECT_EQ(normal("[0:0::1]:08080"), "[::1]:8080");
  EXPECT_EQ(normal("[::ffff:192.0.2.1]"), "[::ffff:192.0.2.1]");
}

TEST(Authority, BadIpLiteralsAreRefused) {
  for (const char* host :
       {"[::1", "[]", "[:]", "[zz::1]", "[::1]x", "[::1]]", "[1.2.3.4]", "[fe80::1%25eth0]",
        "[fe80::1%eth0]", "[v1.x]", "[::1::2]", "[1:2:3:4:5:6:7:8:9]", "[ ::1]", "::1"}) {
    EXPECT_NE(error_of(host), AuthorityError::none) << host;
  }
  EXPECT_EQ(error_of("[::1]:"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("[::1]:x"), AuthorityError::bad_port);
  EXPECT_EQ(error_of("[" + std::string(60, '1') + "]"), AuthorityError::bad_host);
}

TEST(Authority, NormalFormIsAFixedPoint) {
  for (const char* host :
       {"Example.COM.:00080", "[2001:DB8::0:1]:1", "a_b~c", "[::FFFF:1.2.3.4]"}) {
    const std::string once = normal(host);
    ASSERT_NE(once.front(), '!') << host;
    EXPECT_EQ(normal(once), once) << host;
  }
}

}  // namespace
}  // namespace centinela::http
