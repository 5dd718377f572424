// A string of at most N bytes held inline: a span record is filled on the
// request path without allocating, and what does not fit is cut (at a UTF-8
// character boundary, so the JSON later made of it stays faithful).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace centinela::tracing {

template <std::size_t N>
class FixedText {
  static_assert(N <= UINT16_MAX);

 public:
  void assign(std::string_view text) noexcept {
    std::size_t size = text.size();
    if (size > N) {
      size = N;
      // Back off continuation bytes (10xxxxxx) so no character is split.
      while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80) --size;
    }
    for (std::size_t i = 0; i < size; ++i) bytes_[i] = text[i];
    size_ = static_cast<std::uint16_t>(size);
  }
  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  std::array<char, N> bytes_;
  std::uint16_t size_ = 0;
};

}  // namespace centinela::tracing
