#include "observe/incident_id.h"

#include <cstdint>
#include <random>

namespace centinela::observe {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::uint64_t random_u64() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return generator();
}

int crockford_value(char c) {
  const std::size_t at = kCrockford.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

IncidentId new_incident_id(std::chrono::system_clock::time_point now) {
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  const std::uint64_t high = random_u64();
  const std::uint64_t low = random_u64();
  return make_incident_id(ms, high, low);
}

IncidentId make_incident_id(std::uint64_t ms, std::uint64_t high, std::uint64_t low) {
  IncidentId id;
  char* out = id.text.data();
  for (char c : kIncidentIdPrefix) *out++ = c;
  // 10 characters of time (50 bits, the top 2 zero), 16 of the rest (80 bits).
  for (int i = 9; i >= 0; --i) out[9 - i] = kCrockford[(ms >> (5 * i)) & 31];
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t bits = i < 8 ? high >> (5 * i) : low >> (5 * (i - 8));
    out[10 + i] = kCrockford[bits & 31];
  }
  return id;
}

bool incident_id_time(std::string_view id, std::chrono::system_clock::time_point& out) {
  if (id.size() != kIncidentIdSize || !id.starts_with(kIncidentIdPrefix)) return false;
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 26; ++i) {
    const int value = crockford_value(id[kIncidentIdPrefix.size() + i]);
    if (value < 0) return false;
    if (i < 10) ms = ms * 32 + static_cast<std::uint64_t>(value);
  }
  out = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return true;
}

}  // namespace centinela::observe
