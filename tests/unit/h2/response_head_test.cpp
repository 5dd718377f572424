#include "h2/response_head.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "stage/arena.h"

namespace centinela::h2 {
namespace {

std::vector<std::pair<std::string, std::string>> pairs(const ResponseNv& out) {
  std::vector<std::pair<std::string, std::string>> result;
  for (const nghttp2_nv& nv : out.nv) {
    result.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                        std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
  }
  return result;
}

using P = std::vector<std::pair<std::string, std::string>>;

TEST(ResponseHead, StatusFirstNamesLowerCasedLengthFromTheResponse) {
  stage::Arena arena;
  stage::Response response(arena);
  response.status = 200;
  response.length = 1234;
  response.fields.add("Content-Type", "text/plain");
  response.fields.add("X-Cache", "HIT");
  ResponseNv out;
  make_response_nv(response, out);
  EXPECT_EQ(pairs(out), (P{{":status", "200"},
                           {"content-length", "1234"},
                           {"content-type", "text/plain"},
                           {"x-cache", "HIT"}}));
}

TEST(ResponseHead, ConnectionSpecificFieldsNeverReachHttp2) {
  stage::Arena arena;
  stage::Response response(arena);
  response.status = 404;
  response.fields.add("Connection", "close");
  response.fields.add("Keep-Alive", "timeout=5");
  response.fields.add("Transfer-Encoding", "chunked");
  response.fields.add("Upgrade", "h2c");
  response.fields.add("Proxy-Connection", "keep-alive");
  response.fields.add("TE", "trailers");
  response.fields.add("Content-Length", "99");  // a stale one: the response's length rules
  response.fields.add("Vary", "Accept-Encoding");
  ResponseNv out;
  make_response_nv(response, out);
  EXPECT_EQ(pairs(out), (P{{":status", "404"}, {"vary", "Accept-Encoding"}}));
}

TEST(ResponseHead, NoContentLengthOn204AndReuseKeepsNothingStale) {
  stage::Arena arena;
  stage::Response response(arena);
  response.status = 204;
  response.length = 0;
  ResponseNv out;
  make_response_nv(response, out);
  EXPECT_EQ(pairs(out), (P{{":status", "204"}}));
  response.status = 304;
  response.length = 10;
  response.fields.add("ETag", "\"x\"");
  make_response_nv(response, out);
  EXPECT_EQ(pairs(out), (P{{":status", "304"}, {"content-length", "10"}, {"etag", "\"x\""}}));
}

TEST(ResponseHead, TrailersBecomeALowerCasedList) {
  ResponseNv out;
  out.text = "left from the head";
  make_trailer_nv("Grpc-Status: 0\r\nX-Empty:\r\nGrpc-Message: a: b\r\n", out);
  EXPECT_EQ(pairs(out), (P{{"grpc-status", "0"}, {"x-empty", ""}, {"grpc-message", "a: b"}}));
  make_trailer_nv("", out);
  EXPECT_TRUE(out.nv.empty());
}

}  // namespace
}  // namespace centinela::h2
