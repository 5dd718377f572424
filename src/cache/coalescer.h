// Request coalescing across workers: while one request (the leader) fetches a
// key from the upstream, others for the same key (followers, on any worker)
// wait for its outcome instead of going upstream too. The same mechanism
// makes a stale-while-revalidate refresh happen exactly once.
//
// A follower waits on a timer of its own io_context; the leader's finish()
// posts the wake-up to each follower's executor, so no follower is ever
// resumed on another worker's thread.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache/cache_entry.h"
#include "stage/background.h"

namespace centinela::cache {

class Coalescer;

// One fetch in progress. The leader must call finish() exactly once (the
// Flight's destructor finishes with "not cacheable" if it did not, so a
// leader that fails by exception or cancellation never strands followers).
class Flight final : public stage::SharedFetch {
 public:
  ~Flight();
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;

  // Leader only: publishes the outcome (the stored entry, or null when the
  // response was not cacheable or the fetch failed) and wakes the followers.
  void finish(EntryPtr entry);

  // Whether followers wait for this flight now.
  bool awaited() const override;

 private:
  friend class Coalescer;
  struct State;
  Flight(Coalescer& owner, std::string key, std::shared_ptr<State> state);
  Coalescer& owner_;
  std::string key_;
  std::shared_ptr<State> state_;
  bool finished_ = false;
};

class Coalescer {
 public:
  Coalescer();
  ~Coalescer();

  // What join() gave this caller.
  struct Ticket {
    std::unique_ptr<Flight> lead;  // set: this caller is the leader
    std::shared_ptr<void> follow;  // set: wait with await_leader()
  };

  // Becomes the leader for `key` when nobody is, otherwise a follower.
  // Thread-safe.
  Ticket join(std::string_view key);

  // Like join() but never follows: returns a Flight only when nobody leads
  // `key` (for background refreshes: exactly one runs).
  std::unique_ptr<Flight> try_lead(std::string_view key);

  // Follower: waits (on `executor`) until the leader finishes or `timeout`
  // passes. The entry when the leader stored one; null otherwise (the caller
  // then goes upstream itself).
  boost::asio::awaitable<EntryPtr> await_leader(std::shared_ptr<void> follow,
                                                boost::asio::any_io_executor executor,
                                                std::chrono::milliseconds timeout);

  // Flights in progress (for tests and stats).
  std::size_t in_flight() const;

 private:
  friend class Flight;
  // Transparent hashing so a lookup by string_view does not build a string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using FlightMap =
      std::unordered_map<std::string, std::shared_ptr<Flight::State>, KeyHash, std::equal_to<>>;
  // Sharded by key hash so misses for different keys on different workers
  // do not contend on one mutex.
  struct Shard {
    mutable std::mutex mutex;
    FlightMap flights;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_for(std::string_view key);
  // Registers a new flight for `key` unless one exists; returns the existing
  // one (and no new Flight) when it does.
  std::unique_ptr<Flight> lead_or_existing(std::string_view key,
                                           std::shared_ptr<Flight::State>* existing);
  // Drops `key` from the map if it still maps to `state` (a newer flight for
  // the same key is left alone).
  void remove(const std::string& key, const void* state);
  std::array<Shard, kShards> shards_;
};

}  // namespace centinela::cache
