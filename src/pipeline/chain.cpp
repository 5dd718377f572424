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
}

void Chain::drop_replaced_fields(stage::ResponseFields& fields) const {
  for (const auto& name : dropped_names_) fields.erase(name);
}

}  // namespace centinela::pipeline
