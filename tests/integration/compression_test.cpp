// Response compression end to end: the coding chosen from Accept-Encoding
// (q-values), the bodies decoded here with the real zlib / brotli / zstd
// decoders, and every case where the body must pass as the origin sent it.
// On a caching route a hit returns the stored compressed bytes.
#include <zlib.h>

#include "body_codings.h"
#include "cache_fixture.h"
#include "pattern_body.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// 8 KiB or so of JSON-ish text that compresses well.
std::string compressible_text() {
  std::string text = "[";
  for (int i = 0; i < 200; ++i) {
    text += "{\"id\":" + std::to_string(i) + ",\"name\":\"widget\",\"price\":12.5},";
  }
  text.back() = ']';
  return text;
}

class CompressionTest : public CacheTest {
 protected:
  CompressionTest() {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api, compression: {min_size: 1KiB}})"};
    OriginReply text = OriginReply::json(200, body_);
    text.headers.emplace_back("ETag", "\"abc\"");
    origin_.reply("/text", text);
  }

  // A 200 from the origin with `content_type` and `extra` fields.
  void serve(const std::string& path, const std::string& content_type, std::string body,
             HeaderList extra = {}) {
    OriginReply reply;
    reply.headers = {{"Content-Type", content_type}};
    for (auto& field : extra) reply.headers.push_back(std::move(field));
    reply.body = std::move(body);
    origin_.reply(path, reply);
  }

  // The body arrived unchanged, without Content-Encoding.
  ::testing::AssertionResult identity(const HttpResponse& response, const std::string& expected) {
    if (response.status != 200) {
      return ::testing::AssertionFailure() << "status " << response.status << " " << response.error;
    }
    if (response.has_header("content-encoding")) {
      return ::testing::AssertionFailure()
             << "Content-Encoding: " << *response.header("content-encoding");
    }
    if (response.body != expected) return ::testing::AssertionFailure() << "body changed";
    return ::testing::AssertionSuccess();
  }

  // Encoded with `coding`, decodes to `expected`, says Vary: Accept-Encoding.
  ::testing::AssertionResult encoded(const HttpResponse& response, const std::string& coding,
                                     const std::string& expected) {
    if (response.status != 200) {
      return ::testing::AssertionFailure() << "status " << response.status << " " << response.error;
    }
    std::string got = response.header("content-encoding").value_or("(none)");
    if (!iequals(got, coding)) {
      return ::testing::AssertionFailure() << "Content-Encoding " << got << ", expected " << coding;
    }
    if (!header_has_token(response.headers, "vary", "accept-encoding")) {
      return ::testing::AssertionFailure()
             << "no Vary: Accept-Encoding (Vary: " << response.header("vary").value_or("") << ")";
    }
    auto plain = decoded(response);
    if (!plain) return ::testing::AssertionFailure() << coding << " body does not decode";
    if (*plain != expected) {
      return ::testing::AssertionFailure()
             << "decoded body differs: " << plain->size() << " bytes vs " << expected.size();
    }
    if (response.body.size() >= expected.size()) {
      return ::testing::AssertionFailure() << "not smaller: " << response.body.size() << " bytes";
    }
    return ::testing::AssertionSuccess();
  }

  const std::string body_ = compressible_text();
};

TEST_F(CompressionTest, GzipWhenTheClientAcceptsIt) {
  ASSERT_TRUE(start_with());
  HttpResponse response = get("/text", {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(encoded(response, "gzip", body_));
  EXPECT_EQ(response.header("etag").value_or(""), "W/\"abc\"") << "a strong ETag was kept";
  if (auto length = response.header("content-length")) {
    EXPECT_EQ(*length, std::to_string(response.body.size()));
  }
  EXPECT_TRUE(identity(get("/text"), body_)) << "no Accept-Encoding";
  EXPECT_EQ(get("/text").header("etag").value_or(""), "\"abc\"");
}

TEST_F(CompressionTest, BrotliAndZstd) {
  ASSERT_TRUE(start_with());
  EXPECT_TRUE(encoded(get("/text", {{"Accept-Encoding", "br"}}), "br", body_));
  EXPECT_TRUE(encoded(get("/text", {{"Accept-Encoding", "zstd"}}), "zstd", body_));
  // x-gzip is gzip.
  HttpResponse x_gzip = get("/text", {{"Accept-Encoding", "x-gzip"}});
  EXPECT_TRUE(decoded(x_gzip) == body_);
  EXPECT_TRUE(x_gzip.has_header("content-encoding"));
}

TEST_F(CompressionTest, QValuesChooseTheCoding) {
  ASSERT_TRUE(start_with());
  EXPECT_TRUE(encoded(get("/text", {{"Accept-Encoding", "gzip;q=1.0, br;q=0.1"}}), "gzip", body_));
  EXPECT_TRUE(encoded(get("/text", {{"Accept-Encoding", "gzip;q=0.5, br;q=0.8"}}), "br", body_));
  EXPECT_TRUE(
      encoded(get("/text", {{"Accept-Encoding", "br;q=0, zstd;q=0, gzip"}}), "gzip", body_));
  EXPECT_TRUE(
      encoded(get("/text", {{"Accept-Encoding", "br;q=0, zstd;q=0, *;q=0.3"}}), "gzip", body_));
  EXPECT_TRUE(identity(get("/text", {{"Accept-Encoding", "gzip;q=0"}}), body_));
  EXPECT_TRUE(identity(get("/text", {{"Accept-Encoding", "identity"}}), body_));
  EXPECT_TRUE(identity(get("/text", {{"Accept-Encoding", "compress, deflate"}}), body_));
}

TEST_F(CompressionTest, WhatIsNeverCompressed) {
  serve("/small", "application/json", std::string(200, 'x'));
  serve("/no-transform", "application/json", body_, {{"Cache-Control", "public, no-transform"}});
  serve("/png", "image/png", body_);
  const std::string gzipped = gzip(body_);
  serve("/pre-encoded", "application/json", gzipped, {{"Content-Encoding", "gzip"}});
  origin_.on("/not-found",
             [this](const ReceivedRequest&) { return OriginReply::json(404, body_); });
  ASSERT_TRUE(start_with());
  const HeaderList all = {{"Accept-Encoding", "gzip, br, zstd"}};

  EXPECT_TRUE(identity(get("/small", all), std::string(200, 'x'))) << "below min_size";
  EXPECT_TRUE(identity(get("/no-transform", all), body_)) << "Cache-Control: no-transform";
  EXPECT_TRUE(identity(get("/png", all), body_)) << "image/png is not in the allowlist";

  HttpResponse pre = get("/pre-encoded", all);
  EXPECT_EQ(pre.status, 200);
  EXPECT_EQ(find_headers(pre.headers, "content-encoding"), std::vector<std::string>{"gzip"});
  EXPECT_EQ(pre.body, gzipped) << "an already encoded body was touched";
  HttpResponse pre_br = get("/pre-encoded", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(pre_br.body, gzipped);

  HttpResponse not_found = get("/not-found", all);
  EXPECT_EQ(not_found.status, 404);
  EXPECT_FALSE(not_found.has_header("content-encoding"));
}

TEST_F(CompressionTest, CompressionTrueUsesTheDefaults) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, compression: true})"};
  serve("/small", "text/plain", std::string(500, 's'));
  ASSERT_TRUE(start_with());
  EXPECT_TRUE(encoded(get("/text", {{"Accept-Encoding", "gzip"}}), "gzip", body_));
  EXPECT_TRUE(identity(get("/small", {{"Accept-Encoding", "gzip"}}), std::string(500, 's')));
}

TEST_F(CompressionTest, RoutesWithoutCompressionPassBodiesThrough) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_with());
  EXPECT_TRUE(identity(get("/text", {{"Accept-Encoding", "gzip, br, zstd"}}), body_));
}

TEST_F(CompressionTest, HeadCarriesTheHeadersOfGet) {
  ASSERT_TRUE(start_with());
  const HeaderList gzip_only = {{"Accept-Encoding", "gzip"}};
  HttpResponse full = get("/text", gzip_only);
  HttpResponse headed = head("/text", gzip_only);
  EXPECT_EQ(headed.status, 200) << headed.error;
  EXPECT_TRUE(headed.body.empty());
  EXPECT_EQ(headed.header("content-encoding"), full.header("content-encoding"));
  EXPECT_EQ(headed.header("etag"), full.header("etag"));
  EXPECT_EQ(header_has_token(headed.headers, "vary", "accept-encoding"),
            header_has_token(full.headers, "vary", "accept-encoding"));
  if (headed.has_header("content-length") && full.has_header("content-length")) {
    EXPECT_EQ(headed.header("content-length"), full.header("content-length"));
  }
}

TEST_F(CompressionTest, LargeStreamedBodyIsCompressed) {
  OriginReply big;
  big.headers = {{"Content-Type", "text/plain"}};
  big.pattern_body_bytes = 8ull * 1024 * 1024;
  big.chunked = true;
  big.chunk_size = 64 * 1024;
  origin_.reply("/big", big);
  ASSERT_TRUE(start_with());

  HttpConnection connection(port());
  ASSERT_TRUE(connection.send(build_request("GET", "/big", {{"Accept-Encoding", "gzip"}})));
  ReadOptions options;
  options.timeout = 20000ms;
  options.keep_body_bytes = 64ull * 1024 * 1024;
  HttpResponse response = connection.read_response(options);
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.header("content-encoding").value_or(""), "gzip");
  auto plain = gunzip(response.body);
  ASSERT_TRUE(plain) << "gzip stream does not decode (" << response.body.size() << " bytes)";
  EXPECT_EQ(plain->size(), big.pattern_body_bytes);
  EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(plain->data()), plain->size()),
            pattern_crc32(big.pattern_body_bytes));
}

TEST_F(CompressionTest, CachedCompressedHitsReturnTheSameBytes) {
  config_.routes = {
      R"({name: cached, match: {prefix: "/"}, upstream: api, cache: {}, compression: {min_size: 1KiB}})"};
  OriginReply cacheable = OriginReply::json(200, body_);
  cacheable.headers.emplace_back("Cache-Control", "max-age=60");
  cacheable.headers.emplace_back("ETag", "\"abc\"");
  origin_.reply("/cached", cacheable);
  ASSERT_TRUE(start_with());
  const HeaderList gzip_only = {{"Accept-Encoding", "gzip"}};

  HttpResponse first = get("/cached", gzip_only);
  EXPECT_TRUE(encoded(first, "gzip", body_));
  HttpResponse second = get("/cached", gzip_only);
  HttpResponse third = get("/cached", gzip_only);
  EXPECT_EQ(x_cache(second), "HIT");
  EXPECT_EQ(x_cache(third), "HIT");
  EXPECT_TRUE(encoded(second, "gzip", body_));
  EXPECT_EQ(second.body, third.body) << "hits returned different compressed bytes";
  EXPECT_EQ(second.header("etag").value_or(""), "W/\"abc\"");

  HttpResponse plain = get("/cached");
  EXPECT_TRUE(identity(plain, body_)) << "a client without Accept-Encoding got a coded body";
  EXPECT_EQ(plain.header("etag").value_or(""), "\"abc\"");
  HttpResponse brotli = get("/cached", {{"Accept-Encoding", "br"}});
  EXPECT_TRUE(encoded(brotli, "br", body_));
  EXPECT_EQ(origin_.request_count("/cached"), 1u);
  // A client whose If-None-Match carries the weakened ETag gets a 304.
  EXPECT_EQ(get("/cached", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "W/\"abc\""}}).status,
            304);
}

}  // namespace
}  // namespace itest
