#include "h2/request_head.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace centinela::h2 {
namespace {

using Fields = std::initializer_list<std::pair<std::string, std::string>>;

struct Built {
  RequestHead head;
  HeadResult result;
  std::string authority;
  std::optional<std::uint64_t> length;
};

Built build(Fields fields, std::size_t max_list_bytes = 16 * 1024) {
  Built b;
  RequestHeadBuilder builder(b.head, max_list_bytes);
  for (const auto& [name, value] : fields) builder.add(name, value);
  b.result = builder.finish();
  b.authority = builder.authority();
  b.length = builder.content_length();
  return b;
}

const Fields kGet = {{":method", "GET"},
                     {":scheme", "http"},
                     {":path", "/a?b=1"},
                     {":authority", "Example.COM:8080"}};

TEST(RequestHead, AGetBecomesAnHttp11Head) {
  const Built b = build(kGet);
  ASSERT_EQ(b.result.verdict, HeadVerdict::ok) << b.result.reason;
  EXPECT_EQ(b.head.method_string(), "GET");
  EXPECT_EQ(b.head.target(), "/a?b=1");
  EXPECT_EQ(b.head.version(), 11);
  EXPECT_EQ(b.head["Host"], "example.com:8080");
  EXPECT_EQ(b.authority, "example.com:8080");
}

TEST(RequestHead, CookieCrumbsAreJoined) {
  const Built b = build({{":method", "GET"},
                         {":scheme", "https"},
                         {":path", "/"},
                         {":authority", "a"},
                         {"cookie", "a=1"},
                         {"cookie", "b=2"}});
  ASSERT_EQ(b.result.verdict, HeadVerdict::ok);
  EXPECT_EQ(b.head["Cookie"], "a=1; b=2");
}

TEST(RequestHead, MalformedBlocksAreStreamErrors) {
  const Fields bad[] = {
      {{":method", "GET"}, {":scheme", "http"}, {":authority", "a"}},  // no :path
      {{":method", "GET"}, {":scheme", "http"}, {":path", ""}, {":authority", "a"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "*"}, {":authority", "a"}},
      {{":method", "GET"}, {":scheme", "ftp"}, {":path", "/"}, {":authority", "a"}},
      {{":method", "GET"}, {":method", "GET"}, {":scheme", "http"}, {":path", "/"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":status", "200"}},
      {{":method", "GET"}, {"accept", "x"}, {":scheme", "http"}, {":path", "/"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"Accept", "x"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"connection", "keep-alive"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"te", "gzip"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"x", "a\r\nb: c"}},
      {{":method", "GET"}, {":scheme", "http"}, {":path", "/\r\nX: y"}, {":authority", "a"}},
      {{":method", "POST"}, {":scheme", "http"}, {":path", "/"}, {"content-length", "1x"}},
      {{":method", "POST"},
       {":scheme", "http"},
       {":path", "/"},
       {"content-length", "1"},
       {"content-length", "2"}},
  };
  for (const auto& fields : bad) {
    EXPECT_EQ(build(fields).result.verdict, HeadVerdict::malformed);
  }
}

TEST(RequestHead, AuthorityIsVettedLikeHost) {
  EXPECT_EQ(build({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a b"}})
                .result.verdict,
            HeadVerdict::bad_request);
  EXPECT_EQ(build({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "u@a"}})
                .result.verdict,
            HeadVerdict::bad_request);
  EXPECT_EQ(build({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}}).result.verdict,
            HeadVerdict::bad_request);
  // Host alone stands in for :authority; both must agree.
  const Built host_only =
      build({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"host", "B.example"}});
  ASSERT_EQ(host_only.result.verdict, HeadVerdict::ok);
  EXPECT_EQ(host_only.authority, "b.example");
  EXPECT_EQ(build({{":method", "GET"},
                   {":scheme", "http"},
                   {":path", "/"},
                   {":authority", "a.example"},
                   {"host", "A.example."}})
                .result.verdict,
            HeadVerdict::ok);
  EXPECT_EQ(build({{":method", "GET"},
                   {":scheme", "http"},
                   {":path", "/"},
                   {":authority", "a.example"},
                   {"host", "evil.example"}})
                .result.verdict,
            HeadVerdict::bad_request);
}

TEST(RequestHead, ContentLengthIsKeptForTheDataCheck) {
  const Built b = build({{":method", "POST"},
                         {":scheme", "http"},
                         {":path", "/"},
                         {":authority", "a"},
                         {"content-length", "5"},
                         {"content-length", "5"}});
  ASSERT_EQ(b.result.verdict, HeadVerdict::ok);
  EXPECT_EQ(b.length, 5u);
  EXPECT_EQ(b.head["Content-Length"], "5");
}

TEST(RequestHead, TheHeaderListSizeIsEnforced) {
  const std::string big(200, 'v');
  // 4 pseudo-headers ~ 4*32 + 40 bytes, then one 200-byte value: over 300.
  EXPECT_EQ(build({{":method", "GET"},
                   {":scheme", "http"},
                   {":path", "/"},
                   {":authority", "a"},
                   {"x-big", big}},
                  300)
                .result.verdict,
            HeadVerdict::too_large);
  EXPECT_EQ(build({{":method", "GET"},
                   {":scheme", "http"},
                   {":path", "/"},
                   {":authority", "a"},
                   {"x-big", big}},
                  1000)
                .result.verdict,
            HeadVerdict::ok);
}

TEST(RequestHead, ConnectIsNotServed) {
  EXPECT_EQ(build({{":method", "CONNECT"}, {":authority", "a:443"}}).result.verdict,
            HeadVerdict::not_allowed);
}

}  // namespace
}  // namespace centinela::h2
