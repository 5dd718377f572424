// A fleet of gateways sharing threat state through Redis (threat.shared:
// redis). Each worker batches what its requests signal — score deltas and the
// bans it made — and sends them every kFlushInterval as one script call
// (fleet_scripts.h), fire-and-forget: no request waits for Redis. Redis adds
// the deltas to shared, decaying scores and bans fleet-wide at the threshold;
// every ban and lift is published, and each instance's FleetSubscriber applies
// them to its own table, so the ban check stays a local lookup. On every
// (re)connect the subscriber reloads the active bans. Redis down: batches are
// dropped (one warning per outage) and each instance bans on its own.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "config/config.h"
#include "redis/tls_setup.h"
#include "stage/request_context.h"
#include "threat/client_key.h"
#include "threat/score_table.h"

namespace centinela::redis {
class Client;
class Subscriber;
}  // namespace centinela::redis

namespace centinela::threat {

inline constexpr std::chrono::milliseconds kFlushInterval{100};
// A batch keeps at most this many clients' deltas; more in one interval are
// dropped (a flood of distinct clients must not grow a worker's memory).
inline constexpr std::size_t kMaxBatchClients = 4096;

// Makes this worker thread's deltas and bans leave on `worker`'s Redis
// client. Cheap when already joined; call on the worker's thread.
void join_fleet(const stage::WorkerResources& worker);

// For the admin thread: records an operator's ban or lift in Redis and
// publishes it. False when Redis did not take it.
boost::asio::awaitable<bool> publish_ban(redis::Client& client, const ClientKey& key,
                                         const BanState& ban);
boost::asio::awaitable<bool> publish_lift(redis::Client& client, const ClientKey& key);
// Applies every ban active in Redis to the tracker; nullopt on failure.
boost::asio::awaitable<std::optional<std::size_t>> sync_bans(redis::Client& client);

// Other instances' bans and lifts, applied to Tracker::global() on `io`'s
// thread; `client` (the main thread's Redis client) reloads the bans on
// every (re)connect.
class FleetSubscriber {
 public:
  // `tls`: as for redis::Subscriber.
  FleetSubscriber(boost::asio::io_context& io, const config::RedisConfig& cfg,
                  std::function<redis::Client*()> client,
                  std::shared_ptr<const redis::TlsSetup> tls = nullptr);
  ~FleetSubscriber();
  FleetSubscriber(const FleetSubscriber&) = delete;
  FleetSubscriber& operator=(const FleetSubscriber&) = delete;

  bool subscribed() const;
  void close();

 private:
  std::unique_ptr<redis::Subscriber> subscriber_;
};

}  // namespace centinela::threat
