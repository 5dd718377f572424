// The process-wide tracker of threat scores and bans: what every signal
// (a WAF finding, a 404, a 401/403, a rate-limit refusal, a scanner's
// fingerprint) adds to a client's score, and the ban it may lead to. One per
// process, configured on every config load; state survives reloads.
//
// With `threat.shared: redis` the fleet shares bans: every ban made here is
// published, score deltas are sent to Redis in batches (threat/fleet.h), and
// other instances' bans are applied through apply_remote(). The ban check
// itself stays a local lookup.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "threat/client_key.h"
#include "threat/literal_set.h"
#include "threat/score_table.h"

namespace centinela::observe {
class Counter;
}

namespace centinela::threat {

enum class Signal : std::uint8_t {
  waf,           // a WAF finding (points: the anomaly score)
  not_found,     // 404
  auth_failure,  // 401
  forbidden,     // 403
  rate_limited,  // 429 from the gateway's rate limits
  scanner,       // a scanner's User-Agent, a restricted file asked for
  manual,        // an operator's ban (admin API)
};
inline constexpr std::size_t kSignalCount = 7;
std::string_view to_string(Signal signal);

// The configuration as the tracker uses it, immutable once built.
struct Settings {
  Rules rules;
  config::ThreatPoints points;
  std::vector<config::CidrRange> allowlist;
  bool shared_redis = false;
  LiteralSet scanner_user_agents;  // scanners-user-agents.data
  LiteralSet restricted_paths;     // restricted-files.data
};

// Builds the settings; problems reading the scanner lists go to `warnings`.
std::shared_ptr<const Settings> make_settings(const config::ThreatConfig& config,
                                              std::vector<std::string>& warnings);

class Tracker {
 public:
  using Clock = std::int64_t (*)();  // nanoseconds since the Unix epoch
  static std::int64_t wall_clock_ns();

  // The tracker the gateway uses. Never destroyed.
  static Tracker& global();

  explicit Tracker(Clock clock = &wall_clock_ns);
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  // On every config load: no `threat` section switches tracking off (scores
  // and bans already held stay, and apply again when it is switched back on).
  void configure(const config::Config& config);
  void configure(std::shared_ptr<const Settings> settings);  // nullptr: off
  bool enabled() const { return settings_.load(std::memory_order_acquire) != nullptr; }
  // The settings in force (nullptr when off); valid for the process's life.
  const Settings* settings() const { return settings_.load(std::memory_order_acquire); }
  std::int64_t now_ns() const { return clock_(); }

  // Adds `points` for `signal` (for Signal::waf, the request's anomaly score;
  // `threat.points.waf` may replace it). Returns the ban this made, if any.
  // Allowlisted IPs are scored but never banned.
  std::optional<BanState> add(const ClientKey& client, Signal signal, double points);
  std::optional<BanState> add(const ClientKey& client, Signal signal, double points,
                              std::int64_t now_ns);
  // The configured points of `signal`.
  std::optional<BanState> note(const ClientKey& client, Signal signal);

  // The client's ban, when banned now. Cheap when nobody is banned.
  std::optional<BanState> banned(const ClientKey& client) const;
  std::optional<BanState> banned(const ClientKey& client, std::int64_t now_ns) const;
  double score(const ClientKey& client) const;

  // An operator's ban for `duration_ns` (level: remembered + 1).
  BanState ban(const ClientKey& client, std::int64_t duration_ns);
  // Lifts the ban and forgets the client's level and score; false when the
  // client was not known here.
  bool lift(const ClientKey& client);
  std::vector<ClientInfo> bans() const;
  std::vector<ClientInfo> top(std::size_t limit) const;

  // Another instance's ban or lift, as fleet messages carry them:
  // "ban <kind> <level> <until_ms> <name>" or "lift <kind> <name>".
  // False when the message is malformed.
  bool apply_remote(std::string_view message);
  static std::string ban_message(const ClientKey& client, const BanState& ban);
  static std::string lift_message(const ClientKey& client);

  // Where this thread's ban messages and score deltas go with
  // `threat.shared: redis`: a worker's batch to Redis (threat/fleet.h).
  // Threads without one (the admin thread publishes on its own) share nothing.
  struct FleetSink {
    void (*delta)(const ClientKey& client, double points) = nullptr;
    void (*ban)(const ClientKey& client, const BanState& ban) = nullptr;
  };
  static void set_thread_fleet_sink(FleetSink sink);

  ScoreTable& table() { return table_; }
  const ScoreTable& table() const { return table_; }

 private:
  bool allowlisted(const Settings& settings, const ClientKey& client) const;
  void made_ban(const ClientKey& client, Signal signal, const BanState& ban);
  void note_ban_until(std::int64_t until_ns);

  Clock clock_;
  ScoreTable table_;
  std::atomic<const Settings*> settings_{nullptr};
  // Every settings object ever configured stays alive: a worker may hold a
  // pointer to the old one while a reload swaps it (reloads are few).
  std::mutex settings_mutex_;
  std::vector<std::shared_ptr<const Settings>> kept_settings_;
  // The latest end of any ban: past it nobody is banned and the check is one
  // comparison.
  std::atomic<std::int64_t> latest_ban_until_{0};
  observe::Counter* signals_[kSignalCount] = {};
};

}  // namespace centinela::threat
