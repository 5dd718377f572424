#include "security/fast_random.h"

#include <chrono>
#include <cstring>
#include <random>

namespace centinela::security {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Spreads a seed over 64 bits so that weak seeds still give a usable
// xoshiro state (which must not be all zero).
std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// xoshiro256** (Blackman & Vigna): 4 words of state, a few cycles per call.
class Xoshiro256StarStar {
 public:
  Xoshiro256StarStar() noexcept {
    std::uint64_t seed = 0;
    try {
      std::random_device device;
      seed = (std::uint64_t{device()} << 32) ^ device();
      std::uint64_t second = (std::uint64_t{device()} << 32) ^ device();
      for (auto& word : state_) word = splitmix64(seed) ^ second;
      for (auto& word : state_) word ^= splitmix64(second);
    } catch (...) {
      // No entropy source: still unique per thread and start time.
      seed =
          reinterpret_cast<std::uintptr_t>(this) ^
          static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      for (auto& word : state_) word = splitmix64(seed);
    }
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  std::uint64_t state_[4]{};
};

Xoshiro256StarStar& thread_generator() noexcept {
  thread_local Xoshiro256StarStar generator;
  return generator;
}

// Sixteen hex digits from the 16 nibbles of one random word, all bytes at
// once: a nibble n becomes '0' + n, plus 'a' - '0' - 10 (0x27) where n + 6
// carries into the fifth bit (n >= 10). No byte's sum passes 0x66, so none
// carries into the next. Ids are made on every request (request id, trace
// and span ids): this is about a third of the work of a table lookup a byte.
void write_hex_word(char* out, std::uint64_t bits) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const auto digits = [](std::uint64_t nibbles) {
    const std::uint64_t letters = ((nibbles + 0x06 * kOnes) >> 4) & kOnes;
    return nibbles + 0x30 * kOnes + letters * 0x27;
  };
  const std::uint64_t low = digits(bits & 0x0f * kOnes);
  const std::uint64_t high = digits((bits >> 4) & 0x0f * kOnes);
  std::memcpy(out, &low, sizeof low);
  std::memcpy(out + 8, &high, sizeof high);
}

}  // namespace

std::uint64_t fast_random_u64() noexcept { return thread_generator().next(); }

void fill_random_hex(char* out, std::size_t count) noexcept {
  Xoshiro256StarStar& generator = thread_generator();
  for (; count >= 16; count -= 16, out += 16) write_hex_word(out, generator.next());
  if (count > 0) {
    std::uint64_t bits = generator.next();
    for (; count > 0; --count, bits >>= 4) *out++ = kHexDigits[bits & 0xf];
  }
}

}  // namespace centinela::security
