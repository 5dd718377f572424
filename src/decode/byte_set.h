// A set of byte values as a 256-entry table: the bytes that can make a
// transformation change its input, so a caller can skip values without them
// (one table look-up per byte, no branch per member).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace centinela::decode {

class ByteSet {
 public:
  constexpr ByteSet() = default;
  constexpr ByteSet(std::initializer_list<unsigned char> bytes) {
    for (unsigned char b : bytes) table_[b] = 1;
  }

  constexpr void add(unsigned char b) { table_[b] = 1; }
  constexpr void add_range(unsigned char first, unsigned char last) {
    for (unsigned b = first; b <= last; ++b) table_[b] = 1;
  }
  constexpr void add_all(const ByteSet& other) {
    for (std::size_t b = 0; b < 256; ++b) table_[b] |= other.table_[b];
  }
  constexpr bool contains(unsigned char b) const { return table_[b] != 0; }
  constexpr bool empty() const {
    for (std::uint8_t v : table_) {
      if (v) return false;
    }
    return true;
  }
  constexpr bool full() const {
    for (std::uint8_t v : table_) {
      if (!v) return false;
    }
    return true;
  }

  // The first position at or after `from` whose byte is in the set, or
  // text.size(). Four bytes per step: most values hold no trigger at all.
  std::size_t find(std::string_view text, std::size_t from = 0) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = from;
    for (; i + 4 <= n; i += 4) {
      if (table_[p[i]] | table_[p[i + 1]] | table_[p[i + 2]] | table_[p[i + 3]]) break;
    }
    for (; i < n; ++i) {
      if (table_[p[i]]) return i;
    }
    return n;
  }
  bool any_in(std::string_view text) const { return find(text) != text.size(); }

 private:
  std::array<std::uint8_t, 256> table_{};
};

}  // namespace centinela::decode
