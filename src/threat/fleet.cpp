#include "threat/fleet.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "observe/event_log.h"
#include "redis/client.h"
#include "redis/subscriber.h"
#include "threat/fleet_scripts.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

namespace asio = boost::asio;
constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::size_t kMaxBatchBans = 1024;

struct PendingBan {
  ClientKind kind;
  std::string name;
  BanState ban;
};

// One worker thread's batch in the making.
struct WorkerBatch {
  const stage::WorkerResources* worker = nullptr;
  // "i<address>" / "u<user>" → points
  std::unordered_map<std::string, double> deltas;
  std::vector<PendingBan> bans;
  bool scheduled = false;
};

thread_local WorkerBatch batch;

// At most one warning per outage-ish: one per 10 s per process.
bool should_warn() {
  static std::atomic<std::int64_t> last{0};
  const std::int64_t now = Tracker::wall_clock_ns();
  std::int64_t previous = last.load(std::memory_order_relaxed);
  if (previous != 0 && now - previous < 10'000'000'000) return false;
  return last.compare_exchange_strong(previous, now, std::memory_order_relaxed);
}

// The script's leading arguments: the rules, then the bans.
std::vector<std::string> update_arguments(const Rules& rules, const std::vector<PendingBan>& bans) {
  std::vector<std::string> args;
  args.reserve(6 + rules.durations_ns.size() + 4 * bans.size());
  args.push_back(std::to_string(std::max<std::int64_t>(rules.half_life_ns / kNsPerMs, 1)));
  args.push_back(fmt::format("{}", rules.ban_score));
  args.push_back(std::to_string(rules.forget_after_ns / kNsPerMs));
  args.push_back(std::to_string(rules.durations_ns.size()));
  for (std::int64_t duration : rules.durations_ns) {
    args.push_back(std::to_string(std::max<std::int64_t>(duration / kNsPerMs, 1)));
  }
  args.push_back(std::to_string(bans.size()));
  for (const PendingBan& ban : bans) {
    args.emplace_back(to_string(ban.kind));
    args.push_back(std::to_string(ban.ban.level));
    args.push_back(std::to_string(ban.ban.until_ns / kNsPerMs));
    args.push_back(ban.name);
  }
  return args;
}

asio::awaitable<void> flush_later(const stage::WorkerResources* worker) {
  asio::steady_timer timer(*worker->io, kFlushInterval);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  std::unordered_map<std::string, double> deltas;
  std::vector<PendingBan> bans;
  deltas.swap(batch.deltas);
  bans.swap(batch.bans);
  batch.scheduled = false;
  const Settings* settings = Tracker::global().settings();
  redis::Client* client = worker->redis;  // now: a reload may have replaced it
  if (settings == nullptr || !settings->shared_redis || client == nullptr) co_return;
  std::vector<std::string> args = update_arguments(settings->rules, bans);
  for (const auto& [key, points] : deltas) {
    args.emplace_back(key[0] == 'i' ? "ip" : "user");
    args.push_back(key.substr(1));
    args.push_back(fmt::format("{}", points));
  }
  std::vector<std::string> keys;
  auto reply = co_await client->eval(update_script(), std::move(keys), std::move(args));
  if ((!reply || reply->is_error()) && should_warn()) {
    observe::log_event(observe::Level::warn,
                       "threat: redis unavailable, bans are decided in-process meanwhile",
                       {{"error", reply ? reply->str : std::string("no reply")}});
  }
}

void schedule() {
  if (batch.scheduled || batch.worker == nullptr || batch.worker->io == nullptr) return;
  batch.scheduled = true;
  asio::co_spawn(*batch.worker->io, flush_later(batch.worker), asio::detached);
}

void queue_delta(const ClientKey& client, double points) {
  if (batch.worker == nullptr || batch.worker->redis == nullptr) return;
  std::string key;
  key.reserve(client.name.size() + 1);
  key += client.kind == ClientKind::ip ? 'i' : 'u';
  key += client.name;
  auto found = batch.deltas.find(key);
  if (found != batch.deltas.end()) {
    found->second += points;
  } else if (batch.deltas.size() < kMaxBatchClients) {
    batch.deltas.emplace(std::move(key), points);
  }
  schedule();
}

void queue_ban(const ClientKey& client, const BanState& ban) {
  if (batch.worker == nullptr || batch.worker->redis == nullptr) return;
  if (batch.bans.size() < kMaxBatchBans) {
    batch.bans.push_back(PendingBan{client.kind, std::string(client.name), ban});
  }
  schedule();
}

}  // namespace

void join_fleet(const stage::WorkerResources& worker) {
  if (batch.worker == &worker) return;
  batch.worker = &worker;
  Tracker::set_thread_fleet_sink(Tracker::FleetSink{&queue_delta, &queue_ban});
}

asio::awaitable<bool> publish_ban(redis::Client& client, const ClientKey& key,
                                  const BanState& ban) {
  const Settings* settings = Tracker::global().settings();
  const Rules rules = settings != nullptr ? settings->rules : Rules{};
  std::vector<PendingBan> bans{PendingBan{key.kind, std::string(key.name), ban}};
  std::vector<std::string> keys;
  auto reply =
      co_await client.eval(update_script(), std::move(keys), update_arguments(rules, bans));
  co_return reply && !reply->is_error();
}

asio::awaitable<bool> publish_lift(redis::Client& client, const ClientKey& key) {
  // Built before the co_await: GCC 12 miscompiles braced lists in its arguments.
  std::vector<std::string> args{std::string(to_string(key.kind)), std::string(key.name)};
  std::vector<std::string> keys;
  auto reply = co_await client.eval(lift_script(), std::move(keys), std::move(args));
  co_return reply && !reply->is_error();
}

asio::awaitable<std::optional<std::size_t>> sync_bans(redis::Client& client) {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  auto reply = co_await client.eval(sync_script(), std::move(keys), std::move(args));
  if (!reply || reply->type != redis::Reply::Type::array) co_return std::nullopt;
  std::size_t applied = 0;
  for (const redis::Reply& element : reply->elements) {
    if (Tracker::global().apply_remote(element.str)) ++applied;
  }
  co_return applied;
}

FleetSubscriber::FleetSubscriber(asio::io_context& io, const config::RedisConfig& cfg,
                                 std::function<redis::Client*()> client,
                                 std::shared_ptr<const redis::TlsSetup> tls) {
  auto on_message = [](std::string_view message) {
    if (!Tracker::global().apply_remote(message)) {
      observe::log_event(observe::Level::warn, "ignoring a malformed threat ban message",
                         {{"message", std::string(message.substr(0, 200))}});
    }
  };
  // Bans published while this instance was away are in Redis: load them.
  auto on_connected = [&io, client = std::move(client)] {
    redis::Client* redis = client();
    if (redis == nullptr) return;
    asio::co_spawn(
        io,
        [redis, &io]() -> asio::awaitable<void> {
          // The command connection may still be connecting: a few tries.
          for (int attempt = 0; attempt < 30; ++attempt) {
            if (co_await sync_bans(*redis)) co_return;
            asio::steady_timer pause(io, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
          }
          observe::log_event(observe::Level::warn, "threat: could not load the fleet's bans");
        },
        asio::detached);
  };
  subscriber_ = std::make_unique<redis::Subscriber>(io, cfg, std::string(kBanChannel), on_message,
                                                    on_connected, std::move(tls));
}

FleetSubscriber::~FleetSubscriber() = default;

bool FleetSubscriber::subscribed() const { return subscriber_->subscribed(); }

void FleetSubscriber::close() { subscriber_->close(); }

}  // namespace centinela::threat
