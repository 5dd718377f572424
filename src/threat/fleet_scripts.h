// The Lua scripts a fleet shares its threat state with (Redis keys below;
// KIND is ip or user, NAME the address or user name, times in Unix ms from
// Redis TIME):
//   centinela:threat:KIND:NAME    hash {s: score, t: when}, decayed on each add
//   centinela:ban:KIND:NAME       the ban's level, expiring when the ban ends
//   centinela:banlevel:KIND:NAME  the level, kept forget_after longer
//   centinela:bans                sorted set "KIND NAME" by the ban's end
// and every ban or lift is published on kBanChannel as
// "ban KIND LEVEL UNTIL_MS NAME" / "lift KIND NAME" (Tracker::apply_remote).
#pragma once

#include <string_view>

#include "redis/script.h"

namespace centinela::threat {

inline constexpr std::string_view kBanChannel = "centinela:threat:bans";

// ARGV: half_life_ms, ban_score, forget_after_ms, N, N durations (ms), B,
// B × (kind, level, until_ms, name) bans to record and publish, then
// (kind, name, points) score deltas; a delta that takes a client's shared
// score to ban_score bans it fleet-wide. Returns how many bans it made.
const redis::Script& update_script();
// Returns every active ban as a ban message.
const redis::Script& sync_script();
// ARGV: kind, name. Lifts, forgets the level and score, publishes the lift.
const redis::Script& lift_script();

}  // namespace centinela::threat
