// Drives an http::BodyDecoder the way a socket reader does — input arriving
// in pieces, an output buffer of a given size, the unconsumed rest of a piece
// offered again — so a fuzz target can compare different splits of one input.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.h"
#include "http/body_decoder.h"

struct DecodeOutcome {
  centinela::http::BodyDecoder::Status status{};
  centinela::http::BodyError error{};
  std::string body;
  std::size_t consumed = 0;
};

// `pieces` gives the size of each piece of input (cycled; 0 counts as 1);
// `room` is the output buffer's size; `eof`: the peer closes after the input.
inline DecodeOutcome decode_in_pieces(centinela::http::BodyDecoder decoder, std::string_view input,
                                      std::string_view pieces, std::size_t room, bool eof) {
  using centinela::http::BodyDecoder;
  DecodeOutcome outcome;
  std::vector<char> out(std::max<std::size_t>(room, 1));
  std::size_t offered = 0;
  std::size_t next_piece = 0;
  std::string pending;
  while (decoder.status() == BodyDecoder::Status::need_more) {
    if (pending.empty()) {
      if (offered == input.size()) break;
      std::size_t n = 1;
      if (!pieces.empty()) n += static_cast<unsigned char>(pieces[next_piece++ % pieces.size()]);
      n = std::min(n, input.size() - offered);
      pending.assign(input.substr(offered, n));
      offered += n;
    }
    const auto step = decoder.decode(pending, out);
    fuzz_check(step.consumed <= pending.size(), "consumed more than the input");
    fuzz_check(step.produced <= out.size(), "produced more than the output holds");
    fuzz_check(step.produced <= step.consumed, "produced more body than input consumed");
    fuzz_check(step.consumed != 0 || decoder.status() != BodyDecoder::Status::need_more,
               "no progress while more is needed");
    outcome.body.append(out.data(), step.produced);
    outcome.consumed += step.consumed;
    pending.erase(0, step.consumed);
  }
  if (eof && pending.empty() && offered == input.size()) decoder.finish();
  outcome.status = decoder.status();
  outcome.error = decoder.error();
  fuzz_check(outcome.body.size() == decoder.body_bytes(), "body_bytes disagrees with the body");
  fuzz_check(outcome.consumed <= input.size(), "consumed more than the input");
  return outcome;
}

inline void check_same(const DecodeOutcome& a, const DecodeOutcome& b) {
  fuzz_check(a.status == b.status, "the verdict depends on how the input was split");
  fuzz_check(a.error == b.error, "the error depends on how the input was split");
  fuzz_check(a.body == b.body, "the body depends on how the input was split");
  fuzz_check(a.consumed == b.consumed, "the bytes used depend on how the input was split");
}
