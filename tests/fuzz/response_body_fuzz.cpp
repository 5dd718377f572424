// An upstream response's body as any origin may send it: the first bytes give
// the head's facts (status, method, Content-Length, Transfer-Encoding,
// keep-alive), the rest is what follows the head. The framing chosen never
// reuses a connection whose stream is in doubt, and decoding gives the same
// body and verdict however the bytes arrive.
#include <string_view>

#include "body_decoding.h"
#include "fuzz_target.h"
#include "http/body_decoder.h"
#include "http/response_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::http;
  if (size < 4) return 0;
  static constexpr unsigned kStatuses[] = {100, 103, 200, 201, 204, 206, 301, 304, 404, 500};
  ResponseHeadFacts facts;
  facts.status = kStatuses[data[0] % 10];
  facts.head_request = (data[1] & 1) != 0;
  facts.has_transfer_encoding = (data[1] & 2) != 0;
  facts.chunked = facts.has_transfer_encoding && (data[1] & 4) != 0;
  facts.keep_alive = (data[1] & 8) != 0;
  if ((data[1] & 16) != 0) facts.content_length = data[2];
  const std::size_t room = 1 + data[3] % 32;
  const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);

  const ResponseFraming framing = response_framing(facts);
  if (framing.reusable) {
    fuzz_check(facts.keep_alive, "a connection the server closes is reused");
    fuzz_check(framing.framing != Framing::until_close, "a close-delimited stream is reused");
    if (is_bodiless(facts.status, facts.head_request)) {
      fuzz_check(!facts.has_transfer_encoding && facts.content_length.value_or(0) == 0,
                 "a body-less answer announcing a body is reused");
    }
  }
  if (is_bodiless(facts.status, facts.head_request)) {
    fuzz_check(framing.framing == Framing::none, "a body-less answer is given a body");
  }

  BodyLimits limits;
  limits.max_chunk_extensions = 64;
  limits.max_trailers = 256;
  const BodyDecoder decoder(framing.framing, framing.length, limits);
  const DecodeOutcome whole = decode_in_pieces(decoder, input, {}, 1 << 16, true);
  const DecodeOutcome split = decode_in_pieces(decoder, input, input.substr(0, 16), room, true);
  check_same(whole, split);
  if (framing.framing == Framing::until_close) {
    fuzz_check(whole.status == BodyDecoder::Status::done && whole.body == input,
               "a close-delimited body is not everything up to the close");
  }
  if (framing.framing == Framing::length && whole.status == BodyDecoder::Status::done) {
    fuzz_check(whole.body.size() == framing.length, "a length-delimited body of another length");
  }
  return 0;
}
