// The TX collection of one request: a value per slot (names known at load)
// and a few dynamically named ones (`tx.name_%{…}`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace centinela::waf {

class TxState {
 public:
  void resize(std::size_t slots) {
    values_.resize(slots);
    set_.resize(slots, 0);
  }
  std::size_t slots() const { return values_.size(); }

  bool has(std::uint32_t slot) const { return slot < set_.size() && set_[slot]; }
  std::string_view get(std::uint32_t slot) const {
    return has(slot) ? std::string_view(values_[slot]) : std::string_view();
  }
  void set(std::uint32_t slot, std::string_view value) {
    values_[slot].assign(value);
    set_[slot] = 1;
  }
  void unset(std::uint32_t slot) { set_[slot] = 0; }

  // Names not known at load (lower case).
  const std::string* find_dynamic(std::string_view name) const {
    for (const auto& [n, v] : dynamic_) {
      if (n == name) return &v;
    }
    return nullptr;
  }
  void set_dynamic(std::string_view name, std::string_view value) {
    for (auto& [n, v] : dynamic_) {
      if (n == name) return void(v.assign(value));
    }
    dynamic_.emplace_back(name, value);
  }
  void unset_dynamic(std::string_view name) {
    std::erase_if(dynamic_, [&](const auto& entry) { return entry.first == name; });
  }
  const std::vector<std::pair<std::string, std::string>>& dynamic() const { return dynamic_; }

 private:
  std::vector<std::string> values_;
  std::vector<std::uint8_t> set_;
  std::vector<std::pair<std::string, std::string>> dynamic_;
};

}  // namespace centinela::waf
