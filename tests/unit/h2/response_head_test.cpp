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

// nghttp2 is told not to copy the list (NGHTTP2_NV_FLAG_NO_COPY_*): names
// and values must then live in the list's own storage, not in the response's
// (its arena, a parsed upstream head) which may be gone before the HEADERS
// frame is packed.
TEST(ResponseHead, NamesAndValuesLiveInTheListsOwnStorage) {
  ResponseNv out;
  {
    stage::Arena arena;
    stage::Response response(arena);
    response.status = 200;
    response.length = 5;
    std::string name = "X-Long-Header-Name-Over-Eight";
    std::string value = "some value";
    response.fields.add_view(name, value);
    make_response_nv(response, out);
    name.assign(name.size(), '#');
    value.assign(value.size(), '#');
  }
  EXPECT_EQ(pairs(out), (P{{":status", "200"},
                           {"content-length", "5"},
                           {"x-long-header-name-over-eight", "some value"}}));
  const char* begin = out.text.data();
  const char* end = begin + out.text.size();
  for (const nghttp2_nv& nv : out.nv) {
    EXPECT_TRUE(nv.flags & NGHTTP2_NV_FLAG_NO_COPY_NAME);
    EXPECT_TRUE(nv.flags & NGHTTP2_NV_FLAG_NO_COPY_VALUE);
    const char* value = reinterpret_cast<const char*>(nv.value);
    EXPECT_TRUE(value >= begin && value + nv.valuelen <= end);
  }
}

// Fields whose value changes with every response are never indexed, but for
// the connection's first of each name (which puts the name in the table), and
// never without a memo.
TEST(ResponseHead, VolatileFieldsAreNeverIndexedButTheFirstOfTheirName) {
  stage::Arena arena;
  stage::Response response(arena);
  response.status = 200;
  response.fields.add("X-Request-ID", "abc");
  response.fields.add("Server", "x");
  response.fields.add("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  response.fields.add("Server-Timing", "upstream;dur=1.2");
  response.fields.add("X-Frame-Options", "DENY");
  ResponseNv out;
  const auto never_indexed = [&](SentFields* memo) {
    make_response_nv(response, out, memo);
    std::vector<bool> flags;
    for (std::size_t i = 1; i < out.nv.size(); ++i) {
      flags.push_back((out.nv[i].flags & NGHTTP2_NV_FLAG_NO_INDEX) != 0);
    }
    return flags;
  };
  SentFields sent;
  EXPECT_EQ(never_indexed(&sent), (std::vector<bool>{false, false, false, false, false}))
      << "the connection's first of each name";
  EXPECT_EQ(never_indexed(&sent), (std::vector<bool>{true, false, true, true, false}));
  EXPECT_EQ(never_indexed(&sent), (std::vector<bool>{true, false, true, true, false}));
  EXPECT_EQ(never_indexed(nullptr), (std::vector<bool>{true, false, true, true, false}));
  SentFields other;
  response.fields.erase("Traceparent");
  never_indexed(&other);
  response.fields.add("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(never_indexed(&other), (std::vector<bool>{true, false, true, false, false}))
      << "a name's first, whatever came before it";
}

// Date is indexed once the connection sends the same value a second time (the
// responses of one second), never when it is new, nor without a memo.
TEST(ResponseHead, DateIsIndexedWhenItRepeatsOnTheConnection) {
  stage::Arena arena;
  stage::Response response(arena);
  response.status = 200;
  response.fields.add("Date", "Mon, 07 Dec 2026 07:39:49 GMT");
  ResponseNv out;
  SentFields sent;
  const auto date_indexed = [&](SentFields* memo) {
    make_response_nv(response, out, memo);
    EXPECT_EQ(pairs(out), (P{{":status", "200"}, {"date", "Mon, 07 Dec 2026 07:39:49 GMT"}}));
    return (out.nv[1].flags & NGHTTP2_NV_FLAG_NO_INDEX) == 0;
  };
  EXPECT_FALSE(date_indexed(&sent)) << "a new date";
  EXPECT_TRUE(date_indexed(&sent)) << "the same date again";
  EXPECT_TRUE(date_indexed(&sent));
  EXPECT_FALSE(date_indexed(nullptr));
  response.fields.set("Date", "Mon, 07 Dec 2026 07:39:50 GMT");
  make_response_nv(response, out, &sent);
  EXPECT_TRUE(out.nv[1].flags & NGHTTP2_NV_FLAG_NO_INDEX) << "the next second's first";
  make_response_nv(response, out, &sent);
  EXPECT_FALSE(out.nv[1].flags & NGHTTP2_NV_FLAG_NO_INDEX);
}

// Eight bytes at a time must agree with one at a time for every byte value
// (non-ASCII bytes and the neighbours of 'A' and 'Z' included) at every
// offset and length.
TEST(ResponseHead, LowerAsciiMatchesTheByteByByteRule) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  all += "@AZ[`az{";
  for (std::size_t start = 0; start < 9; ++start) {
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5},
          std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{17}, all.size() - start}) {
      std::string text = all.substr(start, size);
      std::string expected = text;
      for (char& c : expected) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      std::string copy(text.size(), '#');
      copy_lower(copy.data(), text.data(), text.size());
      EXPECT_EQ(copy, expected) << "copied " << start << " " << size;
      lower_ascii(text.data(), text.size());
      EXPECT_EQ(text, expected) << start << " " << size;
    }
  }
}

TEST(ResponseHead, TrailersBecomeALowerCasedList) {
  ResponseNv out;
  out.text = "left from the head";
  make_trailer_nv("Grpc-Status: 0\r\nX-Empty:\r\nGrpc-Message: a: b\r\n", out);
  EXPECT_EQ(pairs(out), (P{{"grpc-status", "0"}, {"x-empty", ""}, {"grpc-message", "a: b"}}));
  make_trailer_nv("", out);
  EXPECT_TRUE(out.nv.empty());
}

// Handed to nghttp2 uncopied, like the head: the caller's lines may be gone
// before the HEADERS frame is packed.
TEST(ResponseHead, TrailersLiveInTheListsOwnStorage) {
  ResponseNv out;
  {
    std::string lines = "Grpc-Status: 0\r\nGrpc-Message: all good\r\n";
    make_trailer_nv(lines, out);
    lines.assign(lines.size(), '#');
  }
  EXPECT_EQ(pairs(out), (P{{"grpc-status", "0"}, {"grpc-message", "all good"}}));
  for (const nghttp2_nv& nv : out.nv) {
    EXPECT_TRUE(nv.flags & NGHTTP2_NV_FLAG_NO_COPY_VALUE);
  }
}

}  // namespace
}  // namespace centinela::h2
