#include "http/body_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace centinela::http {
namespace {

struct Outcome {
  BodyDecoder::Status status = BodyDecoder::Status::need_more;
  BodyError error = BodyError::none;
  std::string body;
  std::size_t consumed = 0;
};

// Feeds `input` in pieces of `piece` bytes, as a socket reader would: the
// unconsumed rest of a piece is offered again. `decode(decoder, pending,
// body)` decodes once, appends the body bytes it got, and returns the step.
template <typename Decode>
Outcome feed(BodyDecoder decoder, std::string_view input, std::size_t piece, bool eof,
             Decode decode) {
  Outcome outcome;
  std::size_t offered = 0;  // bytes of input handed to the decoder so far
  std::string pending;
  while (decoder.status() == BodyDecoder::Status::need_more) {
    if (pending.empty()) {
      if (offered == input.size()) break;
      const std::size_t n = std::min(piece, input.size() - offered);
      pending.assign(input.substr(offered, n));
      offered += n;
    }
    const BodyDecoder::Step step = decode(decoder, pending, outcome.body);
    outcome.consumed += step.consumed;
    pending.erase(0, step.consumed);
    if (step.consumed == 0 && step.produced == 0) break;
  }
  if (eof && pending.empty() && offered == input.size()) decoder.finish();
  outcome.status = decoder.status();
  outcome.error = decoder.error();
  return outcome;
}

// Through an output of `room` bytes.
Outcome run(BodyDecoder decoder, std::string_view input, std::size_t piece = 1 << 20,
            std::size_t room = 1 << 20, bool eof = false) {
  std::vector<char> out(room);
  return feed(decoder, input, piece, eof,
              [&](BodyDecoder& d, std::string_view pending, std::string& body) {
                const auto step = d.decode(pending, out);
                body.append(out.data(), step.produced);
                return step;
              });
}

BodyDecoder chunked(BodyLimits limits = {}) { return {Framing::chunked, 0, limits}; }

void expect_body(std::string_view input, std::string_view body, BodyLimits limits = {}) {
  SCOPED_TRACE(std::string(input));
  const Outcome outcome = run(chunked(limits), input);
  EXPECT_EQ(outcome.status, BodyDecoder::Status::done) << describe(outcome.error);
  EXPECT_EQ(outcome.body, body);
  EXPECT_EQ(outcome.consumed, input.size());
}

void expect_error(std::string_view input, BodyError error, BodyLimits limits = {}) {
  SCOPED_TRACE(std::string(input));
  const Outcome outcome = run(chunked(limits), input);
  EXPECT_EQ(outcome.status, BodyDecoder::Status::failed);
  EXPECT_EQ(outcome.error, error) << describe(outcome.error);
}

TEST(BodyDecoder, NoneIsDoneAtOnce) {
  BodyDecoder decoder;
  EXPECT_TRUE(decoder.done());
  char out[4];
  EXPECT_EQ(decoder.decode("GET / HTTP/1.1", out).consumed, 0u);
}

TEST(BodyDecoder, ContentLengthStopsAtTheLengthAndLeavesTheRest) {
  const Outcome outcome = run({Framing::length, 5, {}}, "helloGET /next");
  EXPECT_EQ(outcome.status, BodyDecoder::Status::done);
  EXPECT_EQ(outcome.body, "hello");
  EXPECT_EQ(outcome.consumed, 5u);
  EXPECT_TRUE(BodyDecoder(Framing::length, 0, {}).done());
}

TEST(BodyDecoder, ContentLengthCutShortIsTruncated) {
  const Outcome outcome = run({Framing::length, 10, {}}, "hello", 2, 3, /*eof=*/true);
  EXPECT_EQ(outcome.error, BodyError::truncated);
  EXPECT_EQ(outcome.body, "hello");
}

TEST(BodyDecoder, ContentLengthOverTheLimitFailsAtOnce) {
  BodyLimits limits;
  limits.max_body = 4;
  EXPECT_EQ(BodyDecoder(Framing::length, 5, limits).error(), BodyError::body_too_large);
}

TEST(BodyDecoder, UntilCloseEndsAtEofWithinItsLimit) {
  const Outcome outcome = run({Framing::until_close, 0, {}}, "all of it", 3, 2, /*eof=*/true);
  EXPECT_EQ(outcome.status, BodyDecoder::Status::done);
  EXPECT_EQ(outcome.body, "all of it");
  BodyLimits limits;
  limits.max_body = 4;
  const Outcome over = run({Framing::until_close, 0, limits}, "all of it");
  EXPECT_EQ(over.error, BodyError::body_too_large);
  EXPECT_EQ(over.body, "all ");
}

TEST(BodyDecoder, ChunkedBodies) {
  expect_body("5\r\nhello\r\n0\r\n\r\n", "hello");
  expect_body("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");
  expect_body("0\r\n\r\n", "");
  expect_body("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij");
  expect_body("0000000000000005\r\nhello\r\n0000\r\n\r\n", "hello");
}

TEST(BodyDecoder, ChunkExtensionsOfTheGrammarAreAccepted) {
  expect_body("5;a\r\nhello\r\n0\r\n\r\n", "hello");
  expect_body("5;a=b\r\nhello\r\n0;last=1\r\n\r\n", "hello");
  expect_body("5 ; a = b ;c;d=\"q \\\" \\\\ \t\"\r\nhello\r\n0\r\n\r\n", "hello");
  expect_body("5;a=\"\"\r\nhello\r\n0\r\n\r\n", "hello");
  expect_body("5;a=\"\x80\xff\"\r\nhello\r\n0\r\n\r\n", "hello");
}

TEST(BodyDecoder, MalformedChunkSizesAreRefused) {
  expect_error("\r\nhello\r\n0\r\n\r\n", BodyError::bad_chunk_size);
  expect_error("zz\r\nhello\r\n0\r\n\r\n", BodyError::bad_chunk_size);
  expect_error("-5\r\nhello\r\n0\r\n\r\n", BodyError::bad_chunk_size);
  expect_error("+5\r\nhello\r\n0\r\n\r\n", BodyError::bad_chunk_size);
  expect_error("0x5\r\nhello\r\n0\r\n\r\n", BodyError::bad_chunk_size);
  expect_error(";a\r\n", BodyError::bad_chunk_size);
  expect_error("00000000000000005\r\nhello\r\n", BodyError::chunk_size_too_long);
  expect_error("10000000000000005\r\nhello\r\n", BodyError::chunk_size_too_long);
}

TEST(BodyDecoder, MalformedExtensionsAreRefused) {
  expect_error("5 \r\nhello\r\n", BodyError::bad_chunk_extension);  // trailing whitespace
  expect_error("5;\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;=b\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a=\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a=b c\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a b\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a=\"open\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a=\"x\"y\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5;a=\"\\\r\"\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error(std::string("5;a=\"\0\"\r\nhello\r\n", 14), BodyError::bad_chunk_extension);
  expect_error("5;a@b\r\nhello\r\n", BodyError::bad_chunk_extension);
  expect_error("5 x\r\nhello\r\n", BodyError::bad_chunk_extension);
}

TEST(BodyDecoder, BareCrOrLfIsAnErrorWherever) {
  expect_error("5\nhello\n0\n\n", BodyError::bad_line_ending);
  expect_error("5\rhello\r0\r\r", BodyError::bad_line_ending);
  expect_error("5\r\nhello\n0\r\n\r\n", BodyError::bad_line_ending);
  expect_error("5\r\nhello\r0\r\n\r\n", BodyError::bad_line_ending);
  expect_error("5\r\nhellox\r\n", BodyError::bad_line_ending);
  expect_error("5;a\nhello", BodyError::bad_line_ending);
  expect_error("5;a=b\nhello", BodyError::bad_line_ending);
  expect_error("0\r\r\n\r\n", BodyError::bad_line_ending);
  expect_error("0\r\n\r\r\n", BodyError::bad_line_ending);
  expect_error("0\r\n\n", BodyError::bad_line_ending);
  expect_error("0\r\nX-T: v\n\r\n", BodyError::bad_line_ending);
  expect_error("0\r\nX-T: v\r\r\n", BodyError::bad_line_ending);
}

TEST(BodyDecoder, TrailersAreValidatedAndDropped) {
  expect_body("5\r\nhello\r\n0\r\nX-A: 1\r\nX-B:\r\nX-C:  spaced  value \r\n\r\n", "hello");
  expect_error("0\r\nX-T: v\r\n folded\r\n\r\n", BodyError::bad_trailer);
  expect_error("0\r\nX T: v\r\n\r\n", BodyError::bad_trailer);
  expect_error("0\r\n: v\r\n\r\n", BodyError::bad_trailer);
  expect_error("0\r\nX-T v\r\n\r\n", BodyError::bad_trailer);
  expect_error(std::string("0\r\nX-T: \0\r\n\r\n", 13), BodyError::bad_trailer);
  expect_error("0\r\nX-T: \x7f\r\n\r\n", BodyError::bad_trailer);
}

TEST(BodyDecoder, ExtensionBytesAreCountedOverTheWholeMessage) {
  BodyLimits limits;
  limits.max_chunk_extensions = 8;
  expect_body("1;abcde\r\nx\r\n0;z\r\n\r\n", "x", limits);  // 6 + 2
  expect_body("1;abcdefg\r\nx\r\n0\r\n\r\n", "x", limits);  // exactly 8
  expect_error("1;abcdefgh\r\nx\r\n", BodyError::chunk_extensions_too_large, limits);
  expect_error("1;abcd\r\nx\r\n1;efgh\r\nx\r\n", BodyError::chunk_extensions_too_large, limits);
}

TEST(BodyDecoder, TrailerSectionOverItsLimitFails) {
  BodyLimits limits;
  limits.max_trailers = 11;
  expect_body("0\r\nX-A: 12\r\n\r\n", "", limits);  // 9 + 2 = 11
  limits.max_trailers = 10;
  expect_error("0\r\nX-A: 12\r\n\r\n", BodyError::trailers_too_large, limits);
  expect_error("0\r\n" + std::string(100, 'X'), BodyError::trailers_too_large, limits);
}

TEST(BodyDecoder, ChunkOverTheBodyLimitFailsBeforeItsData) {
  BodyLimits limits;
  limits.max_body = 8;
  expect_body("4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n", "abcdefgh", limits);
  expect_error("4\r\nabcd\r\n5\r\n", BodyError::body_too_large, limits);
  expect_error("ffffffff\r\n", BodyError::body_too_large, limits);
  expect_error("ffffffff;a\r\n", BodyError::body_too_large, limits);
  // Too many digits to be a size at all: malformed, whatever the limit.
  expect_error("10000000000000005\r\n", BodyError::chunk_size_too_long, limits);
}

TEST(BodyDecoder, TheEndIsSeenWithTheLastBytesEvenWhenTheOutputIsFull) {
  BodyDecoder decoder = chunked();
  char out[5];
  const std::string_view input = "5\r\nhello\r\n0\r\n\r\nGET /";
  const auto step = decoder.decode(input, out);
  EXPECT_EQ(step.produced, 5u);
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(input.substr(step.consumed), "GET /");
}

TEST(BodyDecoder, UnfinishedChunkedBodyIsTruncatedAtEof) {
  EXPECT_EQ(run(chunked(), "5\r\nhel", 1 << 20, 1 << 20, /*eof=*/true).error, BodyError::truncated);
  EXPECT_EQ(run(chunked(), "5\r\nhello\r\n0\r\n", 1 << 20, 1 << 20, true).error,
            BodyError::truncated);
}

TEST(BodyDecoder, MidLineCoversFramingLinesOnly) {
  BodyDecoder decoder = chunked();
  char out[16];
  EXPECT_FALSE(decoder.mid_line());
  decoder.decode("5", out);
  EXPECT_TRUE(decoder.mid_line());
  decoder.decode(";ext\r\n", out);
  EXPECT_FALSE(decoder.mid_line());  // data next
  decoder.decode("hel", out);
  EXPECT_FALSE(decoder.mid_line());
  decoder.decode("lo", out);
  EXPECT_FALSE(decoder.mid_line());  // waiting for the CRLF after the data
  decoder.decode("\r\n", out);
  EXPECT_FALSE(decoder.mid_line());  // between chunks
  decoder.decode("0\r\n", out);
  EXPECT_TRUE(decoder.mid_line());  // the trailer section belongs to the last chunk
  decoder.decode("X-A: b\r\n\r\n", out);
  EXPECT_TRUE(decoder.done());
  EXPECT_FALSE(decoder.mid_line());
}

TEST(BodyDecoder, EverySplitGivesTheSameBodyAndVerdict) {
  const std::vector<std::string> inputs = {
      "5;a=\"b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-A: 1\r\n\r\nrest",
      "5\r\nhello\r\n0\r\r\n",
      "3\r\nabc\r\n1;x=y\r\nd\r\n0;z\r\n\r\n",
  };
  for (const std::string& input : inputs) {
    const Outcome whole = run(chunked(), input);
    for (std::size_t piece = 1; piece <= input.size(); ++piece) {
      for (std::size_t room : {1u, 2u, 7u, 64u}) {
        SCOPED_TRACE(input + " piece " + std::to_string(piece) + " room " + std::to_string(room));
        const Outcome split = run(chunked(), input, piece, room);
        EXPECT_EQ(split.status, whole.status);
        EXPECT_EQ(split.error, whole.error);
        EXPECT_EQ(split.body, whole.body);
        EXPECT_EQ(split.consumed, whole.consumed);
      }
    }
  }
}

// run() through decode_in_place: each piece must view the input it came from.
Outcome run_in_place(BodyDecoder decoder, std::string_view input, std::size_t piece,
                     std::size_t max, bool eof = false) {
  return feed(decoder, input, piece, eof,
              [&](BodyDecoder& d, std::string_view pending, std::string& body) {
                std::string_view viewed;
                const auto step = d.decode_in_place(pending, max, viewed);
                EXPECT_EQ(viewed.size(), step.produced);
                EXPECT_LE(viewed.size(), max);
                if (!viewed.empty()) {
                  EXPECT_GE(viewed.data(), pending.data());
                  EXPECT_LE(viewed.data() + viewed.size(), pending.data() + step.consumed);
                }
                body.append(viewed);
                return step;
              });
}

TEST(BodyDecoder, InPlaceGivesWhatCopyingGivesForEveryFramingAndSplit) {
  struct Case {
    Framing framing;
    std::uint64_t length;
    std::string input;
    bool eof;
  };
  const std::vector<Case> cases = {
      {Framing::chunked, 0, "5;a=\"b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-A: 1\r\n\r\nrest", false},
      {Framing::chunked, 0, "3\r\nabc\r\n1;x=y\r\nd\r\n0;z\r\n\r\n", false},
      {Framing::chunked, 0, "5\r\nhello\r\n0\r\r\n", false},
      {Framing::chunked, 0, "5\r\nhel", true},
      {Framing::length, 11, "hello worldGET / HTTP/1.1", false},
      {Framing::length, 11, "hello", true},
      {Framing::until_close, 0, "everything until the end", true},
  };
  for (const Case& c : cases) {
    const BodyLimits limits;
    const Outcome copied = run({c.framing, c.length, limits}, c.input, 1 << 20, 1 << 20, c.eof);
    for (std::size_t piece = 1; piece <= c.input.size(); ++piece) {
      for (std::size_t max : {1u, 2u, 7u, 64u}) {
        SCOPED_TRACE(c.input + " piece " + std::to_string(piece) + " max " + std::to_string(max));
        const Outcome viewed =
            run_in_place({c.framing, c.length, limits}, c.input, piece, max, c.eof);
        EXPECT_EQ(viewed.status, copied.status);
        EXPECT_EQ(viewed.error, copied.error);
        EXPECT_EQ(viewed.body, copied.body);
        EXPECT_EQ(viewed.consumed, copied.consumed);
      }
    }
  }
}

TEST(BodyDecoder, InPlaceSeesTheEndWithTheLastRunAndStopsBeforeTheNext) {
  BodyDecoder decoder = chunked();
  std::string_view piece;
  const std::string_view input = "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\nGET /";
  auto step = decoder.decode_in_place(input, 64, piece);
  EXPECT_EQ(piece, "hello");
  EXPECT_FALSE(decoder.done());
  EXPECT_EQ(input.substr(step.consumed), "abc\r\n0\r\n\r\nGET /");  // one run a call
  const std::string_view rest = input.substr(step.consumed);
  step = decoder.decode_in_place(rest, 64, piece);
  EXPECT_EQ(piece, "abc");
  EXPECT_TRUE(decoder.done());
  EXPECT_EQ(rest.substr(step.consumed), "GET /");
}

TEST(BodyDecoder, InPlaceWithNoRoomTakesNothingAndFailsNothing) {
  BodyDecoder until_close(Framing::until_close, 0, BodyLimits{});
  std::string_view piece = "stale";
  const auto step = until_close.decode_in_place("abc", 0, piece);
  EXPECT_EQ(step.consumed, 0u);
  EXPECT_TRUE(piece.empty());
  EXPECT_EQ(until_close.status(), BodyDecoder::Status::need_more);
}

// The trailers a decoder keeps when `input` is fed in pieces of `piece` bytes.
std::string kept_trailers(std::string_view input, std::size_t piece = 1 << 20,
                          BodyLimits limits = {}) {
  BodyDecoder decoder = chunked(limits);
  std::string kept = "left over";
  decoder.keep_trailers(kept);
  EXPECT_TRUE(kept.empty()) << "cleared when asked";
  std::vector<char> out(64);
  while (!input.empty() && decoder.status() == BodyDecoder::Status::need_more) {
    const auto step = decoder.decode(input.substr(0, piece), out);
    input.remove_prefix(step.consumed);
  }
  EXPECT_EQ(decoder.status(), BodyDecoder::Status::done) << describe(decoder.error());
  return kept;
}

TEST(BodyDecoderTrailers, RelayableFieldsAreKeptTrimmedOthersDropped) {
  const std::string input =
      "3\r\nabc\r\n0\r\nGrpc-Status:0\r\nContent-Length: 3\r\nX-Digest: \t sha=1 2 \t\r\n"
      "set-cookie: a=b\r\nX-Empty:\r\nX-Blank:   \r\nHOST: evil\r\nX-Colon: a:b\r\n\r\n";
  const std::string expected =
      "Grpc-Status: 0\r\nX-Digest: sha=1 2\r\nX-Empty:\r\nX-Blank:\r\nX-Colon: a:b\r\n";
  EXPECT_EQ(kept_trailers(input), expected);
  // Byte by byte, the same.
  EXPECT_EQ(kept_trailers(input, 1), expected);
}

TEST(BodyDecoderTrailers, NothingIsKeptWithoutTrailersOrWithoutAsking) {
  EXPECT_EQ(kept_trailers("3\r\nabc\r\n0\r\n\r\n"), "");
  EXPECT_EQ(kept_trailers("0\r\nContent-Type: a\r\nTrailer: x\r\n\r\n"), "");
  // Without keep_trailers the decoder only validates them.
  expect_body("3\r\nabc\r\n0\r\nX-A: 1\r\n\r\n", "abc");
}

TEST(BodyDecoderTrailers, KeptTrailersStayWithinTheBound) {
  BodyLimits limits;
  limits.max_trailers = 64;
  BodyDecoder decoder = chunked(limits);
  std::string kept;
  decoder.keep_trailers(kept);
  std::vector<char> out(64);
  std::string input = "0\r\n";
  for (int i = 0; i < 100; ++i) input += "X-A: 1\r\n";
  decoder.decode(input, out);
  EXPECT_EQ(decoder.error(), BodyError::trailers_too_large);
  EXPECT_LE(kept.size(), 64u + 64u / 8u);
}

}  // namespace
}  // namespace centinela::http
