// A route's stages in request order, assembled once when the config loads
// (src/proxy/ decides which), with what they contribute to every response as
// fixed lines merged once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stage/stage.h"

namespace centinela::pipeline {

class Chain {
 public:
  Chain() = default;
  // Gives each stage its state slot; at most stage::kMaxStages stages.
  explicit Chain(std::vector<std::unique_ptr<stage::Stage>> stages);
  // One stage of another chain, borrowed: it keeps its slot there (a stage's
  // own request made in the background runs through it alone).
  static Chain borrowing(stage::Stage& stage);
  // The stages of `from` but those named in `left_out`, borrowed (a
  // WebSocket handshake's chain: no cache, no compression).
  static Chain borrowing_except(const Chain& from, std::span<const std::string_view> left_out);

  std::span<stage::Stage* const> stages() const { return stages_; }
  bool empty() const { return stages_.empty(); }

  // Every stage's static header lines, as fields added to each response
  // after the stages ran (views into the chain).
  std::span<const stage::Field> static_fields() const { return static_fields_; }
  // Removes the fields the static lines replace and those a stage drops.
  void drop_replaced_fields(stage::ResponseFields& fields) const;

 private:
  void index_static_headers();

  std::vector<std::unique_ptr<stage::Stage>> owned_;
  std::vector<stage::Stage*> stages_;
  // On the heap, so the views into it survive a move of the chain (a short
  // string would move its bytes).
  std::unique_ptr<const std::string> static_lines_;
  std::vector<stage::Field> static_fields_;
  std::vector<std::string> dropped_names_;  // static field names and drops, lower-case, once each
  // dropped_names_ sorted by length; those n bytes long (n < 64) are
  // [by_length_[n], by_length_[n + 1]), longer ones from by_length_[64]: a
  // field's name is compared only with names of its length.
  std::array<std::uint16_t, 66> by_length_{};
};

}  // namespace centinela::pipeline
