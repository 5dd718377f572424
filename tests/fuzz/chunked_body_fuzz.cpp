// Chunked framing as a client (or an origin) may send it, through the
// gateway's body decoder: the first bytes choose the limits, how the input is
// split and the output size; the rest is the message body. Whatever the
// split, the body and verdict are the same, nothing beyond the input is used,
// and no limit is exceeded.
#include <cctype>
#include <string>
#include <string_view>

#include "body_decoding.h"
#include "fuzz_target.h"
#include "http/body_decoder.h"
#include "http/trailer_fields.h"

namespace {

// Counts what a strict chunked message spends on extensions and trailers,
// independently of the decoder: only meaningful for a message it accepted.
struct Spent {
  std::size_t extensions = 0;
  std::size_t trailers = 0;
  std::string body;
};

Spent measure(std::string_view message) {
  Spent spent;
  for (;;) {
    const std::size_t line_end = message.find("\r\n");
    const std::string_view line = message.substr(0, line_end);
    std::size_t digits = 0;
    while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
      ++digits;
    }
    spent.extensions += line.size() - digits;
    const std::size_t size = std::stoull(std::string(line.substr(0, digits)), nullptr, 16);
    message.remove_prefix(line_end + 2);
    if (size == 0) break;
    spent.body.append(message.substr(0, size));
    message.remove_prefix(size + 2);
  }
  spent.trailers = message.size();
  return spent;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::http;
  if (size < 4) return 0;
  BodyLimits limits;
  limits.max_body = data[0] < 128 ? BodyLimits::kUnlimited : data[0] * 4u;
  limits.max_chunk_extensions = data[1] % 64;
  limits.max_trailers = data[2] % 128;
  const std::size_t room = 1 + data[3] % 32;
  const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);

  const DecodeOutcome whole =
      decode_in_pieces(BodyDecoder(Framing::chunked, 0, limits), input, {}, 1 << 16, true);
  const DecodeOutcome split = decode_in_pieces(BodyDecoder(Framing::chunked, 0, limits), input,
                                               input.substr(0, 16), room, true);
  check_same(whole, split);
  // Byte by byte, keeping the trailers: the same verdict, and what is kept
  // does not depend on the split either.
  std::string kept_bytewise;
  std::string kept_whole;
  BodyDecoder keeping(Framing::chunked, 0, limits);
  keeping.keep_trailers(kept_bytewise);
  const DecodeOutcome bytewise =
      decode_in_pieces(keeping, input, std::string_view("\0", 1), 1, true);
  check_same(whole, bytewise);
  BodyDecoder keeping_whole(Framing::chunked, 0, limits);
  keeping_whole.keep_trailers(kept_whole);
  decode_in_pieces(keeping_whole, input, {}, 1 << 16, true);
  if (whole.status == BodyDecoder::Status::done) {
    fuzz_check(kept_whole == kept_bytewise, "kept trailers depend on the split");
    // Each kept line is its wire line with ": " for ":" and less whitespace.
    fuzz_check(kept_whole.size() <= limits.max_trailers + limits.max_trailers / 3 + 1,
               "kept trailers over their bound");
    for_each_trailer(kept_whole, [](std::string_view name, std::string_view value) {
      fuzz_check(may_relay_trailer(name), "a field that is never a trailer was kept");
      fuzz_check(value.find_first_of("\r\n") == std::string_view::npos, "CR or LF in a value");
      fuzz_check(value.empty() || (value.front() != ' ' && value.back() != ' '),
                 "a value kept its surrounding whitespace");
    });
  }

  fuzz_check(whole.body.size() <= limits.max_body, "body over max_body");
  if (whole.status == BodyDecoder::Status::done) {
    const std::string_view message = input.substr(0, whole.consumed);
    fuzz_check(message.size() >= 5 && message.substr(message.size() - 4) == "\r\n\r\n",
               "a chunked body must end with CRLF CRLF");
    const Spent spent = measure(message);
    fuzz_check(spent.body == whole.body, "the body is not the chunks' data");
    fuzz_check(spent.extensions <= limits.max_chunk_extensions, "extensions over their limit");
    fuzz_check(spent.trailers <= limits.max_trailers, "trailers over their limit");
  }
  return 0;
}
