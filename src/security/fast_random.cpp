#include "security/fast_random.h"

#include <array>
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

}  // namespace

std::uint64_t fast_random_u64() noexcept { return thread_generator().next(); }

void fill_random_hex(char* out, std::size_t count) noexcept {
  Xoshiro256StarStar& generator = thread_generator();
  // Two digits per table entry: ids are made on every request (request id,
  // trace and span ids), so this is half the work of one digit at a time.
  static constexpr auto kPairs = [] {
    std::array<char, 512> pairs{};
    for (std::size_t byte = 0; byte < 256; ++byte) {
      pairs[2 * byte] = kHexDigits[byte >> 4];
      pairs[2 * byte + 1] = kHexDigits[byte & 0xf];
    }
    return pairs;
  }();
  while (count >= 16) {
    std::uint64_t bits = generator.next();
    for (int byte = 0; byte < 8; ++byte, bits >>= 8) {
      std::memcpy(out, &kPairs[2 * (bits & 0xff)], 2);
      out += 2;
    }
    count -= 16;
  }
  if (count > 0) {
    std::uint64_t bits = generator.next();
    for (; count > 0; --count, bits >>= 4) *out++ = kHexDigits[bits & 0xf];
  }
}

}  // namespace centinela::security
