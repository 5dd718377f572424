#include "util/siphash.h"

#include <cstring>
#include <random>

namespace centinela::util {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  std::uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
};

}  // namespace

SipKey SipKey::random() {
  std::random_device device;
  SipKey key;
  key.k0 = (std::uint64_t{device()} << 32) ^ device();
  key.k1 = (std::uint64_t{device()} << 32) ^ device();
  return key;
}

std::uint64_t siphash13(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
  SipState s{k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull, k0 ^ 0x6c7967656e657261ull,
             k1 ^ 0x7465646279746573ull};
  const std::size_t size = data.size();
  const char* p = data.data();
  const std::size_t whole = size & ~std::size_t{7};
  for (std::size_t i = 0; i < whole; i += 8) {
    std::uint64_t m;
    std::memcpy(&m, p + i, 8);  // little-endian hosts (x86-64, aarch64)
    s.v3 ^= m;
    s.round();
    s.v0 ^= m;
  }
  std::uint64_t last = std::uint64_t{size & 0xff} << 56;
  for (std::size_t i = whole; i < size; ++i) {
    last |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * (i - whole));
  }
  s.v3 ^= last;
  s.round();
  s.v0 ^= last;
  s.v2 ^= 0xff;
  s.round();
  s.round();
  s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace centinela::util
