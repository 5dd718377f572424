#include "threat/ban_incident.h"

#include <chrono>
#include <cmath>

#include "observe/incident_log.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

// FNV-1a then a murmur3 finaliser: stable across builds and machines (a
// fleet may mix them), unlike std::hash.
std::uint64_t stable_hash(std::uint64_t seed, std::string_view kind, std::string_view name,
                          std::uint64_t level, std::uint64_t until_ms) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  auto mix = [&h](unsigned char byte) { h = (h ^ byte) * 0x100000001b3ULL; };
  for (char c : kind) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : name) mix(static_cast<unsigned char>(c));
  mix(0);
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(level >> (8 * i)));
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(until_ms >> (8 * i)));
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

void record(const ClientKey& client, std::string_view signal, const BanState& ban,
            double ban_score) {
  const observe::IncidentId id = ban_incident_id(client, ban);
  observe::IncidentRecord record;
  record.ts = std::chrono::system_clock::now();
  record.incident_id = id.view();
  if (client.kind == ClientKind::ip) {
    record.client_ip = client.name;
  } else {
    record.user = client.name;
  }
  record.action = "banned";
  record.score = static_cast<int>(std::lround(ban.score));
  record.threshold = static_cast<int>(std::lround(ban_score));
  record.ban =
      observe::IncidentBan{static_cast<unsigned>(ban.level),
                           std::chrono::system_clock::time_point(
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   std::chrono::nanoseconds(ban.until_ns))),
                           signal};
  observe::IncidentLog::global().record(record);
}

}  // namespace

observe::IncidentId ban_incident_id(const ClientKey& client, const BanState& ban) {
  // The fleet's messages carry the end in milliseconds: the id uses no more.
  const auto until_ms =
      static_cast<std::uint64_t>(std::max<std::int64_t>(ban.until_ns, 0) / kNsPerMs);
  const auto level = static_cast<std::uint64_t>(std::max(ban.level, 0));
  const std::string_view kind = to_string(client.kind);
  return observe::make_incident_id(until_ms, stable_hash(1, kind, client.name, level, until_ms),
                                   stable_hash(2, kind, client.name, level, until_ms));
}

void record_ban_incident(const ClientKey& client, Signal signal, const BanState& ban,
                         double ban_score) {
  record(client, to_string(signal), ban, ban_score);
}

void record_fleet_ban_incident(const ClientKey& client, const BanState& ban, double ban_score) {
  record(client, "fleet", ban, ban_score);
}

}  // namespace centinela::threat
