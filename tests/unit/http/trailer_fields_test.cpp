#include "http/trailer_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace centinela::http {
namespace {

TEST(TrailerFields, FieldsThatShapeTheMessageAreNeverTrailers) {
  for (const char* name : {"Content-Length",
                           "transfer-encoding",
                           "TRAILER",
                           "Host",
                           "Authorization",
                           "Set-Cookie",
                           "cookie",
                           "Content-Encoding",
                           "Content-Type",
                           "Content-Range",
                           "Cache-Control",
                           "Expect",
                           "Range",
                           "If-None-Match",
                           "Connection",
                           "TE",
                           "Upgrade",
                           "Keep-Alive",
                           "X-Forwarded-For",
                           "Via",
                           "Location",
                           "Vary",
                           "Age",
                           "Date",
                           "Proxy-Authorization",
                           "WWW-Authenticate",
                           ""}) {
    EXPECT_FALSE(may_relay_trailer(name)) << name;
  }
}

TEST(TrailerFields, OtherFieldsAreRelayed) {
  for (const char* name : {"grpc-status", "Grpc-Message", "Server-Timing", "Digest", "X-Checksum",
                           "Content-MD5", "ETag", "X-Content-Length"}) {
    EXPECT_TRUE(may_relay_trailer(name)) << name;
  }
}

TEST(TrailerFields, LinesAreReadBack) {
  std::vector<std::pair<std::string, std::string>> fields;
  for_each_trailer("A: 1\r\nB:\r\nC: x: y\r\n", [&](std::string_view name, std::string_view value) {
    fields.emplace_back(name, value);
  });
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"A", "1"}, {"B", ""}, {"C", "x: y"}};
  EXPECT_EQ(fields, expected);
}

}  // namespace
}  // namespace centinela::http
