#include "cache/coalescer.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace centinela::cache {

namespace asio = boost::asio;

namespace {

// One follower's wait. The timer lives on the follower's own executor; the
// leader never touches it directly, it posts the cancel there, holding the
// timer by shared_ptr so the posted cancel cannot reach a destroyed timer.
struct Waiter {
  std::shared_ptr<asio::steady_timer> timer;
  asio::any_io_executor executor;
  // Written under State::mutex by the leader, read under it by the follower.
  bool woken = false;
  EntryPtr entry;
};

}  // namespace

struct Flight::State {
  std::mutex mutex;
  bool done = false;
  EntryPtr entry;  // the outcome, once done
  std::vector<std::shared_ptr<Waiter>> waiters;
};

Flight::Flight(Coalescer& owner, std::string key, std::shared_ptr<State> state)
    : owner_(owner), key_(std::move(key)), state_(std::move(state)) {}

Flight::~Flight() {
  // A leader that never finished (an exception, a cancelled coroutine) still
  // releases its followers: they go upstream themselves.
  if (!finished_) finish(nullptr);
}

void Flight::finish(EntryPtr entry) {
  if (finished_) return;
  finished_ = true;
  // Out of the map first: a request arriving from now on starts a new flight
  // instead of joining one that is over.
  owner_.remove(key_, state_.get());
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(state_->mutex);
    state_->done = true;
    state_->entry = entry;
    waiters.swap(state_->waiters);
    for (const auto& waiter : waiters) {
      waiter->woken = true;
      waiter->entry = entry;
    }
  }
  for (const auto& waiter : waiters) {
    // Moving the expiry into the past (rather than cancel()) also covers a
    // follower that has registered but not yet started waiting.
    asio::post(waiter->executor,
               [timer = waiter->timer] { timer->expires_at(asio::steady_timer::time_point{}); });
  }
}

bool Flight::awaited() const {
  if (finished_) return false;
  std::lock_guard lock(state_->mutex);
  return !state_->waiters.empty();
}

Coalescer::Coalescer() = default;

Coalescer::~Coalescer() = default;

Coalescer::Shard& Coalescer::shard_for(std::string_view key) {
  return shards_[KeyHash{}(key) % kShards];
}

std::unique_ptr<Flight> Coalescer::lead_or_existing(std::string_view key,
                                                    std::shared_ptr<Flight::State>* existing) {
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  if (auto found = shard.flights.find(key); found != shard.flights.end()) {
    if (existing != nullptr) *existing = found->second;
    return nullptr;
  }
  auto state = std::make_shared<Flight::State>();
  shard.flights.emplace(std::string(key), state);
  return std::unique_ptr<Flight>(new Flight(*this, std::string(key), std::move(state)));
}

Coalescer::Ticket Coalescer::join(std::string_view key) {
  Ticket ticket;
  std::shared_ptr<Flight::State> existing;
  ticket.lead = lead_or_existing(key, &existing);
  if (!ticket.lead) ticket.follow = std::move(existing);
  return ticket;
}

std::unique_ptr<Flight> Coalescer::try_lead(std::string_view key) {
  return lead_or_existing(key, nullptr);
}

void Coalescer::remove(const std::string& key, const void* state) {
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  auto found = shard.flights.find(key);
  if (found != shard.flights.end() && found->second.get() == state) shard.flights.erase(found);
}

std::size_t Coalescer::in_flight() const {
  std::size_t count = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.flights.size();
  }
  return count;
}

asio::awaitable<EntryPtr> Coalescer::await_leader(std::shared_ptr<void> follow,
                                                  asio::any_io_executor executor,
                                                  std::chrono::milliseconds timeout) {
  auto state = std::static_pointer_cast<Flight::State>(std::move(follow));
  if (!state) co_return nullptr;
  auto waiter = std::make_shared<Waiter>();
  waiter->timer = std::make_shared<asio::steady_timer>(executor, timeout);
  waiter->executor = executor;
  {
    std::lock_guard lock(state->mutex);
    if (state->done) co_return state->entry;
    state->waiters.push_back(waiter);
  }
  // Whatever ends this wait (wake-up, timeout, or the coroutine destroyed
  // with its io_context), the leader must not keep a waiter it would post to.
  struct Unregister {
    Flight::State& state;
    const Waiter* waiter;
    ~Unregister() {
      std::lock_guard lock(state.mutex);
      std::erase_if(state.waiters, [this](const auto& w) { return w.get() == waiter; });
    }
  } unregister{*state, waiter.get()};

  // Woken or timed out: the timer completes either way, the flag says which.
  co_await waiter->timer->async_wait(asio::as_tuple(asio::use_awaitable));
  EntryPtr outcome;
  {
    std::lock_guard lock(state->mutex);
    if (waiter->woken) outcome = std::move(waiter->entry);
  }
  co_return outcome;
}

}  // namespace centinela::cache
