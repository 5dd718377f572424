// Header values a tokeniser found nothing in, remembered per worker thread
// across requests. Browsers and API clients send the same User-Agent,
// Accept and Accept-Language on request after request, and reading a
// User-Agent as SQL, markup, shell and a path is most of what a benign GET's
// inspection spends in the tokenisers. A tokeniser's verdict is a function
// of the bytes it reads alone, so a value found clean once is clean again;
// only "nothing found" is kept (an attack is read every time, for its
// evidence), only for values of at most kMaxBytes, by their bytes, in a
// table of fixed size where a newcomer takes its slot's place: many distinct
// values only cost the tokenisers' usual work. Credentials are never kept
// (Evaluation::shareable).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace centinela::waf {

class CleanValues {
 public:
  static constexpr std::size_t kMaxBytes = 238;
  static constexpr std::size_t kSlots = 512;  // 128 KiB a worker

  // `reading`: the tokeniser and how the value was read (Evaluation::detection).
  bool contains(std::uint8_t reading, std::string_view value) const;
  void add(std::uint8_t reading, std::string_view value);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint8_t reading = 0;
    std::uint8_t size = 0;
    bool used = false;
    char bytes[kMaxBytes] = {};
  };
  static std::uint64_t hash_of(std::uint8_t reading, std::string_view value);
  std::array<Slot, kSlots> slots_{};
};

// This thread's (made on first use).
CleanValues& thread_clean_values();

}  // namespace centinela::waf
