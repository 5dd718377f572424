#include "http/response_framing.h"

#include <gtest/gtest.h>

namespace centinela::http {
namespace {

ResponseHeadFacts with_length(unsigned status, std::uint64_t length) {
  ResponseHeadFacts facts;
  facts.status = status;
  facts.content_length = length;
  return facts;
}

ResponseHeadFacts chunked(unsigned status) {
  ResponseHeadFacts facts;
  facts.status = status;
  facts.has_transfer_encoding = true;
  facts.chunked = true;
  return facts;
}

TEST(ResponseFraming, LengthAndChunkedBodiesKeepTheConnection) {
  const ResponseFraming length = response_framing(with_length(200, 42));
  EXPECT_EQ(length.framing, Framing::length);
  EXPECT_EQ(length.length, 42u);
  EXPECT_TRUE(length.reusable);
  const ResponseFraming chunks = response_framing(chunked(200));
  EXPECT_EQ(chunks.framing, Framing::chunked);
  EXPECT_TRUE(chunks.reusable);
  EXPECT_TRUE(response_framing(with_length(200, 0)).reusable);
}

TEST(ResponseFraming, CloseDelimitedBodiesNeverKeepIt) {
  ResponseHeadFacts facts;  // no length, no coding
  EXPECT_EQ(response_framing(facts).framing, Framing::until_close);
  EXPECT_FALSE(response_framing(facts).reusable);
  facts.has_transfer_encoding = true;  // gzip alone: also until close
  EXPECT_EQ(response_framing(facts).framing, Framing::until_close);
  EXPECT_FALSE(response_framing(facts).reusable);
}

TEST(ResponseFraming, BodilessAnswersThatAnnounceABodyAreNotReused) {
  for (unsigned status : {100u, 103u, 204u, 304u}) {
    SCOPED_TRACE(status);
    EXPECT_EQ(response_framing(with_length(status, 44)).framing, Framing::none);
    EXPECT_FALSE(response_framing(with_length(status, 44)).reusable);
    EXPECT_FALSE(response_framing(chunked(status)).reusable);
    EXPECT_TRUE(response_framing(with_length(status, 0)).reusable);
    ResponseHeadFacts bare;
    bare.status = status;
    EXPECT_TRUE(response_framing(bare).reusable);
  }
  ResponseHeadFacts head = with_length(200, 1234);
  head.head_request = true;
  EXPECT_EQ(response_framing(head).framing, Framing::none);
  EXPECT_FALSE(response_framing(head).reusable);
}

TEST(ResponseFraming, ConnectionCloseOrAmbiguousFramingIsNotReused) {
  ResponseHeadFacts closing = with_length(200, 5);
  closing.keep_alive = false;
  EXPECT_FALSE(response_framing(closing).reusable);
  ResponseHeadFacts both = chunked(200);
  both.content_length = 5;
  EXPECT_EQ(response_framing(both).framing, Framing::chunked);
  EXPECT_FALSE(response_framing(both).reusable);
}

}  // namespace
}  // namespace centinela::http
