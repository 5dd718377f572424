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
  index_static_headers();
}

Chain Chain::borrowing_except(const Chain& from, std::span<const std::string_view> left_out) {
  Chain chain;
  for (stage::Stage* s : from.stages_) {
    if (std::find(left_out.begin(), left_out.end(), s->name()) == left_out.end()) {
      chain.stages_.push_back(s);
    }
  }
  chain.index_static_headers();
  return chain;
}

void Chain::index_static_headers() {
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
  std::stable_sort(dropped_names_.begin(), dropped_names_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  std::size_t at = 0;
  for (std::size_t length = 0; length <= 64; ++length) {
    by_length_[length] = static_cast<std::uint16_t>(at);
    while (at < dropped_names_.size() && (length == 64 || dropped_names_[at].size() == length))
      ++at;
  }
  by_length_[65] = static_cast<std::uint16_t>(dropped_names_.size());
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
  fields.erase_if([this](const stage::Field& field) {
    const std::size_t bucket = std::min<std::size_t>(field.name.size(), 64);
    for (std::size_t i = by_length_[bucket]; i < by_length_[bucket + 1]; ++i) {
      if (stage::ResponseFields::same_name(field.name, dropped_names_[i])) return true;
    }
    return false;
  });
}

}  // namespace centinela::pipeline
