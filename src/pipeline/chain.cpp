#include "pipeline/chain.h"

#include <algorithm>
#include <stdexcept>

#include "http/chars.h"

namespace centinela::pipeline {
namespace {

std::string lower(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = http::ascii_lower(c);
  return out;
}

}  // namespace

Chain::Chain(std::vector<std::unique_ptr<stage::Stage>> stages) : owned_(std::move(stages)) {
  if (owned_.size() > stage::kMaxStages) throw std::length_error("too many stages in a chain");
  for (std::size_t i = 0; i < owned_.size(); ++i) {
    owned_[i]->set_slot(i);
    stages_.push_back(owned_[i].get());
  }
  auto remember = [this](std::string_view name) {
    std::string folded = lower(name);
    if (std::find(dropped_names_.begin(), dropped_names_.end(), folded) == dropped_names_.end()) {
      dropped_names_.push_back(std::move(folded));
    }
  };
  std::string lines;
  for (const auto* stage : stages_) {
    if (const auto* fixed = stage->static_response_headers()) {
      lines += fixed->lines;
      for (const auto& name : fixed->drops) remember(name);
    }
  }
  static_lines_ = std::make_unique<const std::string>(std::move(lines));
  // Views into static_lines_, which no longer changes.
  stage::Arena unused;
  stage::ResponseFields parsed(unused);
  parsed.add_lines(*static_lines_);
  for (const auto& field : parsed) {
    static_fields_.push_back(field);
    remember(field.name);
  }
  for (const auto& name : dropped_names_) {
    dropped_lengths_ |= std::uint64_t{1} << std::min<std::size_t>(name.size(), 63);
  }
}

Chain Chain::borrowing(stage::Stage& stage) {
  Chain chain;
  chain.stages_.push_back(&stage);
  return chain;
}

void Chain::drop_replaced_fields(stage::ResponseFields& fields) const {
  if (dropped_names_.empty()) return;
  // One pass over the fields; a name is compared only with dropped names of
  // its length.
  const auto length_bit = [](std::size_t size) {
    return std::uint64_t{1} << std::min<std::size_t>(size, 63);
  };
  fields.erase_if([&](const stage::Field& field) {
    if ((dropped_lengths_ & length_bit(field.name.size())) == 0) return false;
    return std::any_of(dropped_names_.begin(), dropped_names_.end(), [&](const std::string& name) {
      return stage::ResponseFields::same_name(field.name, name);
    });
  });
}

}  // namespace centinela::pipeline
