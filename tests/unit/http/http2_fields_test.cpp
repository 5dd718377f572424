#include "http/http2_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

using V = Http2FieldVerdict;

TEST(Http2Fields, OrdinaryFieldsPass) {
  EXPECT_EQ(check_http2_field("accept", "text/html"), V::ok);
  EXPECT_EQ(check_http2_field("x-empty", ""), V::ok);
  EXPECT_EQ(check_http2_field("te", "trailers"), V::ok);
  EXPECT_EQ(check_http2_field("user-agent", "caf\xc3\xa9 1.0"), V::ok);
}

TEST(Http2Fields, UppercaseOrNonTokenNamesAreMalformed) {
  EXPECT_EQ(check_http2_field("Accept", "x"), V::bad_name);
  EXPECT_EQ(check_http2_field("", "x"), V::bad_name);
  EXPECT_EQ(check_http2_field("x y", "x"), V::bad_name);
  EXPECT_EQ(check_http2_field("x:y", "x"), V::bad_name);
  EXPECT_EQ(check_http2_field(std::string("x\0y", 3), "x"), V::bad_name);
}

TEST(Http2Fields, ValuesThatWouldSplitAnHttp1LineAreMalformed) {
  EXPECT_EQ(check_http2_field("x-a", "a\r\nx-smuggled: 1"), V::bad_value);
  EXPECT_EQ(check_http2_field("x-a", "a\nb"), V::bad_value);
  EXPECT_EQ(check_http2_field("x-a", std::string("a\0b", 3)), V::bad_value);
  EXPECT_EQ(check_http2_field("x-a", " padded"), V::bad_value);
  EXPECT_EQ(check_http2_field("x-a", "padded\t"), V::bad_value);
}

TEST(Http2Fields, ConnectionSpecificFieldsAreMalformed) {
  for (const char* name :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
    EXPECT_EQ(check_http2_field(name, "x"), V::connection_specific) << name;
  }
  EXPECT_EQ(check_http2_field("te", "gzip"), V::bad_te);
  EXPECT_EQ(check_http2_field("te", "trailers, gzip"), V::bad_te);
}

}  // namespace
}  // namespace centinela::http
