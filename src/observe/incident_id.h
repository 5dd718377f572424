// Incident ids: "inc_" and a ULID (26 characters of Crockford base32: 48 bits
// of milliseconds since the epoch, then 80 random bits), so ids sort by time
// and a log's ids are unique without coordination between workers or
// instances. Incidents are rare (attacks, bans): the randomness is a
// per-thread generator seeded from std::random_device.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace centinela::observe {

inline constexpr std::string_view kIncidentIdPrefix = "inc_";
inline constexpr std::size_t kIncidentIdSize = 4 + 26;

struct IncidentId {
  std::array<char, kIncidentIdSize> text{};
  std::string_view view() const { return {text.data(), text.size()}; }
};

IncidentId new_incident_id(
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The id of `ms` (milliseconds since the epoch) and 80 bits: 40 from each of
// `high` and `low` (for ids derived from something rather than drawn).
IncidentId make_incident_id(std::uint64_t ms, std::uint64_t high, std::uint64_t low);

// The time an id was made (to the millisecond); nothing when `id` is not one.
bool incident_id_time(std::string_view id, std::chrono::system_clock::time_point& out);

}  // namespace centinela::observe
