// Timeouts without a timer per operation: each connection arms a watch on the
// socket it is about to wait on, and one coarse periodic sweep per worker
// cancels the waits whose deadline passed (the "timer wheel" of DESIGN.md).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "net/asio_fwd.h"

namespace centinela::net {

class DeadlineSweeper;

// Work worth doing only for a wait that outlasts a sweeper tick: the sweep
// runs it once (ClientCloseWatch: a client's end is watched for only while
// the upstream keeps it waiting).
class TickTask {
 public:
  virtual void on_tick() = 0;

 protected:
  ~TickTask() = default;
};

class DeadlineWatch {
 public:
  explicit DeadlineWatch(DeadlineSweeper& sweeper);
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // The next wait on `socket` is cancelled if still pending at `when`
  // (after abandon(): at the sweeper's next tick, whatever `when`).
  void arm(tcp::socket& socket, SteadyTime when) {
    socket_ = &socket;
    deadline_ = abandoned_ ? SteadyTime{} : when;
    fired_ = false;
  }
  void disarm() { socket_ = nullptr; }
  // True when the last armed wait was cancelled by its deadline.
  bool fired() const { return fired_; }

  // The client left: the wait under way is cancelled now, and every later
  // one as soon as it is armed, until clear_abandoned(). The waits' owner
  // tells this from a deadline by abandoned().
  void abandon();
  bool abandoned() const { return abandoned_; }
  void clear_abandoned() { abandoned_ = false; }

  // `task` runs at the sweeper's next tick, unless cancelled first; one at a
  // time. Its owner cancels it before it goes away.
  void run_at_next_tick(TickTask& task) { tick_task_ = &task; }
  void cancel_tick_task(const TickTask& task) {
    if (tick_task_ == &task) tick_task_ = nullptr;
  }

  // Drain support: a connection waiting for its next request may be closed.
  void set_idle(bool idle) { idle_ = idle; }
  bool idle() const { return idle_; }

 private:
  friend class DeadlineSweeper;
  DeadlineSweeper& sweeper_;
  DeadlineWatch* prev_ = nullptr;
  DeadlineWatch* next_ = nullptr;
  tcp::socket* socket_ = nullptr;
  TickTask* tick_task_ = nullptr;
  SteadyTime deadline_{};
  bool fired_ = false;
  bool idle_ = false;
  bool abandoned_ = false;
};

class DeadlineSweeper {
 public:
  DeadlineSweeper(asio::io_context& io, std::chrono::milliseconds tick);

  void start();
  void stop();
  std::size_t size() const { return count_; }

  // Cancels the waits of every connection that is idle between requests.
  void cancel_idle();

 private:
  friend class DeadlineWatch;
  void link(DeadlineWatch& w);
  void unlink(DeadlineWatch& w);
  void sweep();
  void schedule();

  asio::steady_timer timer_;
  std::chrono::milliseconds tick_;
  DeadlineWatch* head_ = nullptr;
  std::size_t count_ = 0;
  bool running_ = false;
};

}  // namespace centinela::net
