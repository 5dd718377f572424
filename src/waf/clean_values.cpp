#include "waf/clean_values.h"

#include <cstring>
#include <functional>
#include <memory>

namespace centinela::waf {

std::uint64_t CleanValues::hash_of(std::uint8_t reading, std::string_view value) {
  return std::hash<std::string_view>{}(value) ^ (std::uint64_t{reading} * 0x9E3779B97F4A7C15ull);
}

bool CleanValues::contains(std::uint8_t reading, std::string_view value) const {
  if (value.size() > kMaxBytes) return false;
  const std::uint64_t hash = hash_of(reading, value);
  const Slot& slot = slots_[hash % kSlots];
  return slot.used && slot.hash == hash && slot.reading == reading && slot.size == value.size() &&
         std::memcmp(slot.bytes, value.data(), value.size()) == 0;
}

void CleanValues::add(std::uint8_t reading, std::string_view value) {
  if (value.size() > kMaxBytes) return;
  const std::uint64_t hash = hash_of(reading, value);
  Slot& slot = slots_[hash % kSlots];
  slot.hash = hash;
  slot.reading = reading;
  slot.size = static_cast<std::uint8_t>(value.size());
  slot.used = true;
  std::memcpy(slot.bytes, value.data(), value.size());
}

CleanValues& thread_clean_values() {
  thread_local std::unique_ptr<CleanValues> values = std::make_unique<CleanValues>();
  return *values;
}

}  // namespace centinela::waf
