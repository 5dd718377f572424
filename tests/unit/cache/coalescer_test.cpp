// Request coalescing across two workers (two io_contexts on two threads):
// one leader, followers on both, each follower resumed on its own thread.
#include "cache/coalescer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace centinela::cache {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A worker: an io_context run by its own thread.
class Worker {
 public:
  Worker() : guard_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Worker() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }
  std::thread::id thread_id() const { return thread_.get_id(); }

  // Returns once every handler posted before this call has run: followers
  // spawned earlier have then reached their wait.
  void drain() {
    std::promise<void> reached;
    asio::post(io_, [&] { reached.set_value(); });
    reached.get_future().wait();
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

struct FollowerOutcome {
  EntryPtr entry;
  std::thread::id resumed_on;
  std::chrono::steady_clock::duration waited{};
};

// Starts a follower's wait on `worker`; the future completes when it resumes.
std::future<FollowerOutcome> follow(Worker& worker, Coalescer& coalescer,
                                    std::shared_ptr<void> ticket,
                                    std::chrono::milliseconds timeout = 5s) {
  auto promise = std::make_shared<std::promise<FollowerOutcome>>();
  auto future = promise->get_future();
  asio::co_spawn(
      worker.io(),
      [&coalescer, ticket = std::move(ticket), timeout, promise,
       executor = worker.io().get_executor()]() mutable -> asio::awaitable<void> {
        const auto started = std::chrono::steady_clock::now();
        EntryPtr entry = co_await coalescer.await_leader(std::move(ticket), executor, timeout);
        promise->set_value(FollowerOutcome{std::move(entry), std::this_thread::get_id(),
                                           std::chrono::steady_clock::now() - started});
      },
      asio::detached);
  return future;
}

EntryPtr make_entry(std::string body) {
  auto entry = std::make_shared<CacheEntry>();
  entry->content = std::move(body);
  return entry;
}

bool still_waiting(std::future<FollowerOutcome>& future, std::chrono::milliseconds grace = 30ms) {
  return future.wait_for(grace) == std::future_status::timeout;
}

class CoalescerTest : public ::testing::Test {
 protected:
  // Joins `count` followers of `key` on each worker, waiting until all wait.
  std::vector<std::pair<Worker*, std::future<FollowerOutcome>>> followers_on_both(
      std::string_view key, int count, std::chrono::milliseconds timeout = 5s) {
    std::vector<std::pair<Worker*, std::future<FollowerOutcome>>> followers;
    for (Worker* worker : {&a_, &b_}) {
      for (int i = 0; i < count; ++i) {
        Coalescer::Ticket ticket = coalescer_.join(key);
        EXPECT_FALSE(ticket.lead);
        EXPECT_TRUE(ticket.follow);
        followers.emplace_back(worker, follow(*worker, coalescer_, ticket.follow, timeout));
      }
    }
    a_.drain();
    b_.drain();
    return followers;
  }

  Coalescer coalescer_;
  Worker a_;
  Worker b_;
};

TEST_F(CoalescerTest, FirstJoinLeadsOthersFollow) {
  Coalescer::Ticket first = coalescer_.join("k");
  ASSERT_TRUE(first.lead);
  EXPECT_FALSE(first.follow);
  Coalescer::Ticket second = coalescer_.join("k");
  EXPECT_FALSE(second.lead);
  EXPECT_TRUE(second.follow);
  Coalescer::Ticket other_key = coalescer_.join("other");
  EXPECT_TRUE(other_key.lead);
  EXPECT_EQ(coalescer_.in_flight(), 2u);
}

TEST_F(CoalescerTest, FinishWakesEveryFollowerOnItsOwnThreadWithTheEntry) {
  Coalescer::Ticket leader = coalescer_.join("/a");
  ASSERT_TRUE(leader.lead);
  auto followers = followers_on_both("/a", 5);
  for (auto& [worker, future] : followers) EXPECT_TRUE(still_waiting(future));

  const EntryPtr entry = make_entry("stored");
  leader.lead->finish(entry);
  for (auto& [worker, future] : followers) {
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    FollowerOutcome outcome = future.get();
    EXPECT_EQ(outcome.entry, entry);
    EXPECT_EQ(outcome.resumed_on, worker->thread_id());
    EXPECT_LT(outcome.waited, 2s);  // woken, not timed out
  }
  EXPECT_EQ(coalescer_.in_flight(), 0u);
}

TEST_F(CoalescerTest, FinishWithNullWakesFollowersWithNull) {
  Coalescer::Ticket leader = coalescer_.join("/a");
  ASSERT_TRUE(leader.lead);
  auto followers = followers_on_both("/a", 3);
  leader.lead->finish(nullptr);
  for (auto& [worker, future] : followers) {
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    FollowerOutcome outcome = future.get();
    EXPECT_EQ(outcome.entry, nullptr);
    EXPECT_EQ(outcome.resumed_on, worker->thread_id());
    EXPECT_LT(outcome.waited, 2s);
  }
}

TEST_F(CoalescerTest, FollowerTimesOutAloneAndOthersKeepWaiting) {
  Coalescer::Ticket leader = coalescer_.join("/slow");
  ASSERT_TRUE(leader.lead);
  Coalescer::Ticket impatient = coalescer_.join("/slow");
  Coalescer::Ticket patient = coalescer_.join("/slow");
  auto short_wait = follow(a_, coalescer_, impatient.follow, 60ms);
  auto long_wait = follow(b_, coalescer_, patient.follow, 5s);

  ASSERT_EQ(short_wait.wait_for(2s), std::future_status::ready);
  FollowerOutcome timed_out = short_wait.get();
  EXPECT_EQ(timed_out.entry, nullptr);
  EXPECT_GE(timed_out.waited, 60ms);
  EXPECT_EQ(timed_out.resumed_on, a_.thread_id());
  EXPECT_TRUE(still_waiting(long_wait, 100ms));
  EXPECT_EQ(coalescer_.in_flight(), 1u);  // the flight itself goes on

  const EntryPtr entry = make_entry("late");
  leader.lead->finish(entry);
  ASSERT_EQ(long_wait.wait_for(2s), std::future_status::ready);
  FollowerOutcome woken = long_wait.get();
  EXPECT_EQ(woken.entry, entry);
  EXPECT_EQ(woken.resumed_on, b_.thread_id());
}

TEST_F(CoalescerTest, LeaderDestroyedWithoutFinishReleasesFollowersWithNull) {
  Coalescer::Ticket leader = coalescer_.join("/a");
  ASSERT_TRUE(leader.lead);
  auto followers = followers_on_both("/a", 2);
  leader.lead.reset();
  for (auto& [worker, future] : followers) {
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    FollowerOutcome outcome = future.get();
    EXPECT_EQ(outcome.entry, nullptr);
    EXPECT_EQ(outcome.resumed_on, worker->thread_id());
    EXPECT_LT(outcome.waited, 2s);
  }
  EXPECT_EQ(coalescer_.in_flight(), 0u);
  EXPECT_TRUE(coalescer_.join("/a").lead);
}

TEST_F(CoalescerTest, JoiningAfterFinishStartsANewFlight) {
  Coalescer::Ticket first = coalescer_.join("/a");
  ASSERT_TRUE(first.lead);
  first.lead->finish(make_entry("one"));
  EXPECT_EQ(coalescer_.in_flight(), 0u);

  Coalescer::Ticket second = coalescer_.join("/a");
  ASSERT_TRUE(second.lead);
  EXPECT_EQ(coalescer_.in_flight(), 1u);
  // The first leader's late destruction must not remove the second flight.
  first.lead.reset();
  EXPECT_EQ(coalescer_.in_flight(), 1u);
  EXPECT_FALSE(coalescer_.join("/a").lead);
}

TEST_F(CoalescerTest, FollowerThatWaitsAfterFinishGetsTheOutcomeAtOnce) {
  Coalescer::Ticket leader = coalescer_.join("/a");
  Coalescer::Ticket follower = coalescer_.join("/a");
  ASSERT_TRUE(follower.follow);
  const EntryPtr entry = make_entry("done");
  leader.lead->finish(entry);
  auto future = follow(a_, coalescer_, follower.follow, 5s);
  ASSERT_EQ(future.wait_for(1s), std::future_status::ready);
  FollowerOutcome outcome = future.get();
  EXPECT_EQ(outcome.entry, entry);
  EXPECT_EQ(outcome.resumed_on, a_.thread_id());
}

TEST_F(CoalescerTest, TryLeadOnlyWhenNobodyLeads) {
  Coalescer::Ticket leader = coalescer_.join("/swr");
  ASSERT_TRUE(leader.lead);
  EXPECT_EQ(coalescer_.try_lead("/swr"), nullptr);
  EXPECT_EQ(coalescer_.try_lead("/swr"), nullptr);

  std::unique_ptr<Flight> refresh = coalescer_.try_lead("/other");
  ASSERT_NE(refresh, nullptr);
  EXPECT_EQ(coalescer_.try_lead("/other"), nullptr);
  EXPECT_FALSE(coalescer_.join("/other").lead);  // a request follows the refresh
  refresh->finish(nullptr);

  leader.lead->finish(nullptr);
  EXPECT_NE(coalescer_.try_lead("/swr"), nullptr);
}

TEST_F(CoalescerTest, ConcurrentJoinsFromTwoThreadsElectOneLeader) {
  std::atomic<int> leaders{0};
  std::vector<std::unique_ptr<Flight>> flights[2];
  auto joiner = [&](int side) {
    for (int i = 0; i < 500; ++i) {
      Coalescer::Ticket ticket = coalescer_.join("/hot");
      if (ticket.lead) {
        ++leaders;
        flights[side].push_back(std::move(ticket.lead));
      }
    }
  };
  std::thread left(joiner, 0);
  std::thread right(joiner, 1);
  left.join();
  right.join();
  EXPECT_EQ(leaders.load(), 1);
  EXPECT_EQ(coalescer_.in_flight(), 1u);
}

TEST_F(CoalescerTest, ManyFlightsOnBothWorkersEachWakeOnlyTheirOwnFollowers) {
  constexpr int kKeys = 20;
  std::vector<std::unique_ptr<Flight>> leaders;
  std::vector<std::vector<std::pair<Worker*, std::future<FollowerOutcome>>>> followers;
  for (int k = 0; k < kKeys; ++k) {
    auto ticket = coalescer_.join("/k" + std::to_string(k));
    ASSERT_TRUE(ticket.lead);
    leaders.push_back(std::move(ticket.lead));
    followers.push_back(followers_on_both("/k" + std::to_string(k), 2));
  }
  EXPECT_EQ(coalescer_.in_flight(), static_cast<std::size_t>(kKeys));
  std::vector<EntryPtr> entries;
  for (int k = 0; k < kKeys; k += 2) {  // finish the even keys only
    entries.push_back(make_entry(std::to_string(k)));
    leaders[k]->finish(entries.back());
  }
  for (int k = 0; k < kKeys; ++k) {
    for (auto& [worker, future] : followers[k]) {
      if (k % 2 == 0) {
        ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
        FollowerOutcome outcome = future.get();
        EXPECT_EQ(outcome.entry, entries[k / 2]);
        EXPECT_EQ(outcome.resumed_on, worker->thread_id());
      } else {
        EXPECT_TRUE(still_waiting(future, 1ms));
      }
    }
  }
  EXPECT_EQ(coalescer_.in_flight(), static_cast<std::size_t>(kKeys / 2));
  leaders.clear();  // the odd flights end with null
  for (int k = 1; k < kKeys; k += 2) {
    for (auto& [worker, future] : followers[k]) {
      ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
      EXPECT_EQ(future.get().entry, nullptr);
    }
  }
}

}  // namespace
}  // namespace centinela::cache
