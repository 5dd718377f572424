#include "threat/tracker.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>

#include "observe/event_log.h"
#include "observe/metrics.h"
#include "threat/ban_incident.h"

namespace centinela::threat {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;

thread_local Tracker::FleetSink thread_fleet_sink;

std::int64_t to_ns(config::Duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

double configured_points(const config::ThreatPoints& points, Signal signal) {
  switch (signal) {
    case Signal::not_found:
      return points.not_found;
    case Signal::auth_failure:
      return points.auth_failure;
    case Signal::forbidden:
      return points.forbidden;
    case Signal::rate_limited:
      return points.rate_limited;
    case Signal::scanner:
      return points.scanner;
    default:
      return 0;
  }
}

// "word rest": the first space-separated word, `rest` after it.
std::string_view take_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return word;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

observe::Counter& bans_counter(ClientKind kind, int level) {
  return observe::Registry::global().counter(
      "centinela_threat_bans_total", "Bans made by this instance, by client kind and level",
      {{"kind", std::string(to_string(kind))}, {"level", std::to_string(level)}});
}

}  // namespace

std::string_view to_string(Signal signal) {
  static constexpr std::string_view kNames[kSignalCount] = {
      "waf", "not_found", "auth_failure", "forbidden", "rate_limited", "scanner", "manual"};
  return kNames[static_cast<std::size_t>(signal)];
}

std::shared_ptr<const Settings> make_settings(const config::ThreatConfig& config,
                                              std::vector<std::string>& warnings) {
  auto settings = std::make_shared<Settings>();
  settings->rules.half_life_ns = to_ns(config.half_life);
  settings->rules.ban_score = config.ban.score;
  settings->rules.durations_ns.clear();
  for (config::Duration duration : config.ban.durations) {
    settings->rules.durations_ns.push_back(to_ns(duration));
  }
  settings->rules.forget_after_ns = to_ns(config.ban.forget_after);
  settings->points = config.points;
  settings->allowlist = config.allowlist;
  settings->shared_redis = config.shared == "redis";
  std::string error;
  settings->scanner_user_agents =
      LiteralSet::from_file(config.scanner_data + "/scanners-user-agents.data", error);
  if (!error.empty()) warnings.push_back(error);
  error.clear();
  settings->restricted_paths =
      LiteralSet::from_file(config.scanner_data + "/restricted-files.data", error);
  if (!error.empty()) warnings.push_back(error);
  return settings;
}

std::int64_t Tracker::wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Tracker& Tracker::global() {
  static Tracker* tracker = new Tracker();
  return *tracker;
}

Tracker::Tracker(Clock clock) : clock_(clock), table_(1'000'000) {
  auto& registry = observe::Registry::global();
  for (std::size_t i = 0; i < kSignalCount; ++i) {
    signals_[i] = &registry.counter("centinela_threat_signals_total",
                                    "Signals that raised a client's threat score, by kind",
                                    {{"signal", std::string(to_string(static_cast<Signal>(i)))}});
  }
}

void Tracker::configure(const config::Config& config) {
  if (!config.threat) {
    configure(nullptr);
    return;
  }
  std::vector<std::string> warnings;
  auto settings = make_settings(*config.threat, warnings);
  for (const std::string& warning : warnings) {
    observe::log_event(observe::Level::warn, "threat: scanner fingerprints unavailable",
                       {{"error", warning}});
  }
  table_.set_max_clients(config.threat->max_clients);
  configure(std::move(settings));
}

void Tracker::configure(std::shared_ptr<const Settings> settings) {
  std::lock_guard guard(settings_mutex_);
  settings_.store(settings.get(), std::memory_order_release);
  if (settings) kept_settings_.push_back(std::move(settings));
}

bool Tracker::allowlisted(const Settings& settings, const ClientKey& client) const {
  if (client.kind != ClientKind::ip || settings.allowlist.empty()) return false;
  const auto address = parse_ip(client.name);
  if (!address) return false;
  for (const config::CidrRange& range : settings.allowlist) {
    if (range.contains(*address)) return true;
  }
  return false;
}

std::optional<BanState> Tracker::add(const ClientKey& client, Signal signal, double points) {
  return add(client, signal, points, clock_());
}

std::optional<BanState> Tracker::add(const ClientKey& client, Signal signal, double points,
                                     std::int64_t now_ns) {
  const Settings* settings = this->settings();
  if (settings == nullptr || client.name.empty()) return std::nullopt;
  if (signal == Signal::waf && settings->points.waf) points = *settings->points.waf;
  if (!(points > 0)) return std::nullopt;
  signals_[static_cast<std::size_t>(signal)]->inc();
  const bool may_ban = !allowlisted(*settings, client);
  auto made = table_.add(client, fingerprint(client), points, settings->rules, may_ban, now_ns);
  if (settings->shared_redis && thread_fleet_sink.delta != nullptr && may_ban) {
    thread_fleet_sink.delta(client, points);
  }
  if (made) made_ban(client, signal, *made);
  return made;
}

std::optional<BanState> Tracker::note(const ClientKey& client, Signal signal) {
  const Settings* settings = this->settings();
  if (settings == nullptr) return std::nullopt;
  return add(client, signal, configured_points(settings->points, signal));
}

void Tracker::note_ban_until(std::int64_t until_ns) {
  std::int64_t latest = latest_ban_until_.load(std::memory_order_relaxed);
  while (until_ns > latest &&
         !latest_ban_until_.compare_exchange_weak(latest, until_ns, std::memory_order_relaxed)) {
  }
}

void Tracker::made_ban(const ClientKey& client, Signal signal, const BanState& ban) {
  note_ban_until(ban.until_ns);
  bans_counter(client.kind, ban.level).inc();
  const std::int64_t seconds = (ban.until_ns - clock_() + 999'999'999) / 1'000'000'000;
  observe::log_event(observe::Level::warn, "client banned",
                     {{"kind", std::string(to_string(client.kind))},
                      {"client", std::string(client.name)},
                      {"level", ban.level},
                      {"seconds", seconds},
                      {"signal", std::string(to_string(signal))}});
  const Settings* settings = this->settings();
  if (settings != nullptr) {
    record_ban_incident(client, signal, ban, settings->rules.ban_score);
  }
  if (settings != nullptr && settings->shared_redis && thread_fleet_sink.ban != nullptr) {
    thread_fleet_sink.ban(client, ban);
  }
}

std::optional<BanState> Tracker::banned(const ClientKey& client) const {
  return banned(client, clock_());
}

std::optional<BanState> Tracker::banned(const ClientKey& client, std::int64_t now_ns) const {
  if (now_ns >= latest_ban_until_.load(std::memory_order_relaxed)) return std::nullopt;
  if (!enabled() || client.name.empty()) return std::nullopt;
  return table_.banned(fingerprint(client), now_ns);
}

double Tracker::score(const ClientKey& client) const {
  const Settings* settings = this->settings();
  if (settings == nullptr || client.name.empty()) return 0;
  return table_.score(fingerprint(client), settings->rules, clock_());
}

BanState Tracker::ban(const ClientKey& client, std::int64_t duration_ns) {
  const Settings* settings = this->settings();
  const Rules rules = settings != nullptr ? settings->rules : Rules{};
  const std::int64_t now = clock_();
  const BanState ban =
      table_.set_ban(client, fingerprint(client), 0, now + duration_ns, rules, now);
  if (ban.level > 0) made_ban(client, Signal::manual, ban);
  return ban;
}

bool Tracker::lift(const ClientKey& client) { return table_.lift(fingerprint(client)); }

std::vector<ClientInfo> Tracker::bans() const { return table_.bans(clock_()); }

std::vector<ClientInfo> Tracker::top(std::size_t limit) const {
  const Settings* settings = this->settings();
  return table_.top(limit, settings != nullptr ? settings->rules : Rules{}, clock_());
}

std::string Tracker::ban_message(const ClientKey& client, const BanState& ban) {
  return fmt::format("ban {} {} {} {}", to_string(client.kind), ban.level, ban.until_ns / kNsPerMs,
                     client.name);
}

std::string Tracker::lift_message(const ClientKey& client) {
  return fmt::format("lift {} {}", to_string(client.kind), client.name);
}

bool Tracker::apply_remote(std::string_view message) {
  std::string_view rest = message;
  const std::string_view verb = take_word(rest);
  const auto kind = parse_client_kind(take_word(rest));
  if (!kind) return false;
  if (verb == "lift") {
    if (rest.empty()) return false;
    table_.lift(fingerprint(ClientKey{*kind, rest}));
    return true;
  }
  int level = 0;
  std::int64_t until_ms = 0;
  if (verb != "ban" || !parse_number(take_word(rest), level) ||
      !parse_number(take_word(rest), until_ms) || rest.empty() || level < 1 || until_ms <= 0) {
    return false;
  }
  const Settings* settings = this->settings();
  const Rules rules = settings != nullptr ? settings->rules : Rules{};
  const ClientKey client{*kind, rest};
  if (settings != nullptr && allowlisted(*settings, client)) return true;  // never banned here
  const std::int64_t now = clock_();
  // A ban we already hold at this level or later stays as it is.
  const auto held = table_.banned(fingerprint(client), now);
  if (held && held->level >= level && held->until_ns >= until_ms * kNsPerMs) return true;
  const int new_level = std::max(level, held ? held->level : 0);
  const BanState ban =
      table_.set_ban(client, fingerprint(client), new_level, until_ms * kNsPerMs, rules, now);
  note_ban_until(ban.until_ns);
  // The ban answer here names this incident: the log here has it too.
  record_fleet_ban_incident(client, ban, rules.ban_score);
  return true;
}

void Tracker::set_thread_fleet_sink(FleetSink sink) { thread_fleet_sink = sink; }

}  // namespace centinela::threat
