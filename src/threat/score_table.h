// The bounded table of threat scores and bans, one per process, shared by
// every worker (the HAProxy stick-table idea, built like limit::LocalStore).
//
// 256 shards picked by the client fingerprint's top byte; each is an
// open-addressing table (linear probing, backward-shift deletion) of 48-byte
// slots behind a spinlock held for one update. A score decays with the half
// life whenever it is touched: score × 2^(−Δt / half_life).
//
// Memory bound: a shard holds at most ceil(max_clients / 256) clients in at
// most 4/3 as many slots, so the table never exceeds
//   256 × (ceil(max_clients / 256) × 4/3 + 1) × 48 B  (+ user names ≤ 128 B each)
// — about 64 MiB for a million clients — however many distinct clients
// arrive. A full shard makes room by evicting the coldest of 8 sampled
// clients: lowest decayed score first, clients with a remembered ban level
// after those, banned clients last. Clients whose score decayed to nothing
// and whose ban level is forgotten are reclaimed as the table goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "threat/client_key.h"

namespace centinela::threat {

// The numbers the table decides with (from config::ThreatConfig).
struct Rules {
  std::int64_t half_life_ns = 600'000'000'000;
  double ban_score = 100;
  std::vector<std::int64_t> durations_ns = {60'000'000'000};  // the n-th ban; the last repeats
  std::int64_t forget_after_ns = 86'400'000'000'000;
};

// A client's ban: its level (1 for the first) and when it ends.
struct BanState {
  int level = 0;
  std::int64_t until_ns = 0;
  double score = 0;  // the score that made the ban (the table starts it again from 0)
};

// One client as the admin API shows it.
struct ClientInfo {
  ClientKind kind = ClientKind::ip;
  std::string name;
  double score = 0;               // decayed to now
  int level = 0;                  // remembered ban level (0: none)
  std::int64_t ban_until_ns = 0;  // > now: banned
  std::int64_t updated_ns = 0;    // last signal
};

class ScoreTable {
 public:
  static constexpr unsigned kShardCount = 256;
  static constexpr std::size_t kMaxStoredName = 128;  // longer user names are shown cut

  explicit ScoreTable(std::uint64_t max_clients);
  ~ScoreTable();
  ScoreTable(const ScoreTable&) = delete;
  ScoreTable& operator=(const ScoreTable&) = delete;

  // A new bound; shards above it shrink as they next take a client.
  void set_max_clients(std::uint64_t max_clients);

  // Adds `points` to the client's decayed score. When it reaches the ban
  // score and `may_ban` (and the client is not banned already), bans it:
  // level = remembered level + 1, duration from the rules, score back to 0;
  // the new ban is returned.
  std::optional<BanState> add(const ClientKey& key, std::uint64_t fp, double points,
                              const Rules& rules, bool may_ban, std::int64_t now_ns);
  // The client's ban if it is banned at `now_ns`.
  std::optional<BanState> banned(std::uint64_t fp, std::int64_t now_ns) const;
  double score(std::uint64_t fp, const Rules& rules, std::int64_t now_ns) const;
  // Sets the ban as given (an operator's ban, another instance's); a level of
  // 0 means the remembered level + 1. Returns the ban set.
  BanState set_ban(const ClientKey& key, std::uint64_t fp, int level, std::int64_t until_ns,
                   const Rules& rules, std::int64_t now_ns);
  // Forgets the client: ban, level and score. False when it was not held.
  bool lift(std::uint64_t fp);

  // Clients banned at `now_ns` (a pass over the whole table).
  std::vector<ClientInfo> bans(std::int64_t now_ns) const;
  // The `limit` clients with the highest decayed scores, banned ones first.
  std::vector<ClientInfo> top(std::size_t limit, const Rules& rules, std::int64_t now_ns) const;
  std::size_t bans_active(std::int64_t now_ns) const;

  std::size_t size() const;
  std::size_t memory_bytes() const;
  // The bound memory_bytes() never exceeds (names aside), for max_clients.
  static std::size_t memory_bound(std::uint64_t max_clients);

 private:
  struct Shard;
  Shard& shard_for(std::uint64_t fp) const;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace centinela::threat
