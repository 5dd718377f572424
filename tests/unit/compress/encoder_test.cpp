#include "compress/encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "decoders.h"

namespace centinela::compress {
namespace {

using testing::decode;

const Coding kCodings[] = {Coding::gzip, Coding::br, Coding::zstd};

// JSON-like text: repetitive enough to compress, varied enough not to be trivial.
std::string sample_json(std::size_t size) {
  std::string out = "[";
  std::mt19937 random(42);
  for (int i = 0; out.size() < size; ++i) {
    out += "{\"id\":" + std::to_string(i) + ",\"name\":\"user" + std::to_string(random() % 997) +
           "\",\"active\":" + (random() % 2 ? "true" : "false") + "},";
  }
  out.resize(size);
  return out;
}

// Bytes that do not compress.
std::string random_bytes(std::size_t size) {
  std::mt19937 random(7);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random());
  return out;
}

class EachCoding : public ::testing::TestWithParam<Coding> {};

INSTANTIATE_TEST_SUITE_P(Codings, EachCoding, ::testing::ValuesIn(kCodings),
                         [](const auto& info) { return std::string(coding_token(info.param)); });

TEST_P(EachCoding, CompressAllRoundTripsAndShrinksText) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{16 * 1024},
                           std::size_t{1 << 20}}) {
    std::string body = sample_json(size);
    std::string compressed;
    ASSERT_TRUE(compress_all(GetParam(), body, compressed)) << size;
    EXPECT_TRUE(decode(GetParam(), compressed) == body) << size;
    if (size >= 16 * 1024) {
      EXPECT_LT(compressed.size(), body.size() / 3) << size;
    }
  }
}

TEST_P(EachCoding, CompressAllAppendsToWhatIsThere) {
  std::string out = "prefix";
  ASSERT_TRUE(compress_all(GetParam(), "hello hello hello", out));
  ASSERT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(decode(GetParam(), std::string_view(out).substr(6)), "hello hello hello");
}

TEST_P(EachCoding, IncompressibleBytesRoundTrip) {
  std::string body = random_bytes(300 * 1024);
  std::string compressed;
  ASSERT_TRUE(compress_all(GetParam(), body, compressed));
  EXPECT_TRUE(decode(GetParam(), compressed) == body);
}

TEST_P(EachCoding, EveryLevelInRangeAndOutOfRangeWorks) {
  std::string body = sample_json(20000);
  int max = GetParam() == Coding::gzip ? 9 : GetParam() == Coding::br ? 11 : 19;
  for (int level = -1; level <= max + 5; ++level) {
    std::string compressed;
    ASSERT_TRUE(compress_all(GetParam(), body, compressed, level)) << level;
    EXPECT_TRUE(decode(GetParam(), compressed) == body) << level;
  }
}

TEST_P(EachCoding, ZeroAndOutOfRangeLevelsMeanTheDefault) {
  std::string body = sample_json(50 * 1024);
  int fallback = GetParam() == Coding::gzip ? 6 : GetParam() == Coding::br ? 4 : 3;
  std::string expected;
  ASSERT_TRUE(compress_all(GetParam(), body, expected, fallback));
  for (int level : {kDefaultLevel, 0, -3, 99}) {
    std::string out;
    ASSERT_TRUE(compress_all(GetParam(), body, out, level));
    EXPECT_TRUE(out == expected) << level;
  }
  std::string other;
  ASSERT_TRUE(compress_all(GetParam(), body, other, fallback + 2));
  EXPECT_FALSE(other == expected);  // the comparison above can tell levels apart
}

TEST_P(EachCoding, HigherLevelsCompressSmaller) {
  std::string body = sample_json(200 * 1024);
  std::string fast;
  std::string strong;
  int low = 1;
  int high = GetParam() == Coding::gzip ? 9 : GetParam() == Coding::br ? 9 : 15;
  ASSERT_TRUE(compress_all(GetParam(), body, fast, low));
  ASSERT_TRUE(compress_all(GetParam(), body, strong, high));
  EXPECT_LT(strong.size(), fast.size());
}

TEST_P(EachCoding, StreamingInSmallPiecesDecodesToTheWhole) {
  std::string body = sample_json(300 * 1024);
  for (std::uint64_t size_hint : {std::uint64_t{0}, std::uint64_t{body.size()}}) {
    std::unique_ptr<Encoder> encoder = make_encoder(GetParam(), kDefaultLevel, size_hint);
    ASSERT_TRUE(encoder);
    std::string streamed;
    std::size_t piece = 1;
    for (std::size_t at = 0; at < body.size(); at += piece, piece = piece * 3 % 1500 + 1) {
      ASSERT_TRUE(encoder->write(std::string_view(body).substr(at, piece), streamed));
    }
    ASSERT_TRUE(encoder->finish(streamed));
    EXPECT_TRUE(decode(GetParam(), streamed) == body) << size_hint;

    std::string one_shot;
    ASSERT_TRUE(compress_all(GetParam(), body, one_shot));
    // Same coding, comparable result: piecewise input does not defeat the compressor.
    EXPECT_LT(streamed.size(), one_shot.size() * 2);
  }
}

TEST_P(EachCoding, ASizeHintSmallerThanTheBodyIsOnlyAHint) {
  std::string body = sample_json(100 * 1024);
  std::unique_ptr<Encoder> encoder = make_encoder(GetParam(), kDefaultLevel, 100);
  ASSERT_TRUE(encoder);
  std::string out;
  ASSERT_TRUE(encoder->write(body, out));
  ASSERT_TRUE(encoder->finish(out));
  EXPECT_TRUE(decode(GetParam(), out) == body);
}

TEST_P(EachCoding, FlushMakesEverythingWrittenSoFarDecodable) {
  std::unique_ptr<Encoder> encoder = make_encoder(GetParam());
  ASSERT_TRUE(encoder);
  std::string out;
  std::string sent;
  for (int event = 0; event < 5; ++event) {
    std::string data = "data: {\"event\":" + std::to_string(event) + "}\n\n";
    sent += data;
    ASSERT_TRUE(encoder->write(data, out));
    ASSERT_TRUE(encoder->flush(out));
    EXPECT_EQ(decode(GetParam(), out, /*complete=*/false), sent) << event;
  }
  ASSERT_TRUE(encoder->flush(out));  // a flush with nothing new is harmless
  ASSERT_TRUE(encoder->finish(out));
  EXPECT_EQ(decode(GetParam(), out), sent);
}

TEST_P(EachCoding, NothingCanBeWrittenAfterFinish) {
  std::unique_ptr<Encoder> encoder = make_encoder(GetParam());
  ASSERT_TRUE(encoder);
  std::string out;
  ASSERT_TRUE(encoder->write("abc", out));
  ASSERT_TRUE(encoder->finish(out));
  EXPECT_FALSE(encoder->write("more", out));
  EXPECT_FALSE(encoder->flush(out));
  EXPECT_FALSE(encoder->finish(out));
  EXPECT_EQ(decode(GetParam(), out), "abc");
}

TEST_P(EachCoding, EmptyStreamIsAValidEmptyBody) {
  std::unique_ptr<Encoder> encoder = make_encoder(GetParam());
  ASSERT_TRUE(encoder);
  std::string out;
  ASSERT_TRUE(encoder->finish(out));
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(decode(GetParam(), out), "");
}

TEST(Gzip, OutputIsAGzipMember) {
  std::string out;
  ASSERT_TRUE(compress_all(Coding::gzip, "hello", out));
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x8b);
}

TEST(Zstd, OneShotDecoderReadsCompressAllOutput) {
  std::string body = sample_json(50 * 1024);
  std::string out;
  ASSERT_TRUE(compress_all(Coding::zstd, body, out));
  std::string decoded(body.size() + 16, '\0');
  std::size_t size = ZSTD_decompress(decoded.data(), decoded.size(), out.data(), out.size());
  ASSERT_FALSE(ZSTD_isError(size)) << ZSTD_getErrorName(size);
  decoded.resize(size);
  EXPECT_TRUE(decoded == body);
}

TEST(Zstd, KnownSmallSizeUsesASmallWindow) {
  std::string body = sample_json(2000);
  std::string out;
  ASSERT_TRUE(compress_all(Coding::zstd, body, out));
  ZSTD_frameHeader header{};
  ASSERT_EQ(ZSTD_getFrameHeader(&header, out.data(), out.size()), 0u);
  // The decoder must hold a window this large; a 2 KB body should not ask for megabytes.
  EXPECT_LE(header.windowSize, 4096u);
}

TEST(Zstd, UnknownSizeWindowIsCappedAtOneMebibyte) {
  std::unique_ptr<Encoder> encoder = make_encoder(Coding::zstd);
  ASSERT_TRUE(encoder);
  std::string out;
  ASSERT_TRUE(encoder->write(sample_json(4 << 20), out));
  ASSERT_TRUE(encoder->finish(out));
  ZSTD_frameHeader header{};
  ASSERT_EQ(ZSTD_getFrameHeader(&header, out.data(), out.size()), 0u);
  EXPECT_EQ(header.windowSize, 1u << 20);
}

TEST(Identity, CopiesItsInput) {
  std::unique_ptr<Encoder> encoder = make_encoder(Coding::identity);
  ASSERT_TRUE(encoder);
  std::string out;
  ASSERT_TRUE(encoder->write("abc", out));
  ASSERT_TRUE(encoder->flush(out));
  ASSERT_TRUE(encoder->write("def", out));
  ASSERT_TRUE(encoder->finish(out));
  EXPECT_EQ(out, "abcdef");
  std::string all;
  ASSERT_TRUE(compress_all(Coding::identity, "xyz", all));
  EXPECT_EQ(all, "xyz");
}

}  // namespace
}  // namespace centinela::compress
