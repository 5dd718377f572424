#include "net/deadline.h"

#include <utility>

namespace centinela::net {

DeadlineWatch::DeadlineWatch(DeadlineSweeper& sweeper) : sweeper_(sweeper) { sweeper_.link(*this); }

DeadlineWatch::~DeadlineWatch() { sweeper_.unlink(*this); }

void DeadlineWatch::abandon() {
  abandoned_ = true;
  if (socket_ == nullptr) return;
  fired_ = true;
  boost::system::error_code ignored;
  socket_->cancel(ignored);
  socket_ = nullptr;
}

DeadlineSweeper::DeadlineSweeper(asio::io_context& io, std::chrono::milliseconds tick)
    : timer_(io), tick_(tick) {}

void DeadlineSweeper::start() {
  running_ = true;
  schedule();
}

void DeadlineSweeper::stop() {
  running_ = false;
  timer_.cancel();
}

void DeadlineSweeper::schedule() {
  timer_.expires_after(tick_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    sweep();
    schedule();
  });
}

void DeadlineSweeper::sweep() {
  const SteadyTime now = SteadyClock::now();
  for (DeadlineWatch* w = head_; w != nullptr; w = w->next_) {
    // Its completions are posted, never run here: the list stays as it is.
    if (TickTask* task = std::exchange(w->tick_task_, nullptr)) task->on_tick();
    if (w->socket_ != nullptr && w->deadline_ <= now) {
      w->fired_ = true;
      boost::system::error_code ignored;
      w->socket_->cancel(ignored);
      w->socket_ = nullptr;
    }
  }
}

void DeadlineSweeper::cancel_idle() {
  for (DeadlineWatch* w = head_; w != nullptr; w = w->next_) {
    if (w->idle_ && w->socket_ != nullptr) {
      w->fired_ = true;
      boost::system::error_code ignored;
      w->socket_->cancel(ignored);
      w->socket_ = nullptr;
    }
  }
}

void DeadlineSweeper::link(DeadlineWatch& w) {
  w.next_ = head_;
  if (head_ != nullptr) head_->prev_ = &w;
  head_ = &w;
  ++count_;
}

void DeadlineSweeper::unlink(DeadlineWatch& w) {
  if (w.prev_ != nullptr) w.prev_->next_ = w.next_;
  if (w.next_ != nullptr) w.next_->prev_ = w.prev_;
  if (head_ == &w) head_ = w.next_;
  --count_;
}

}  // namespace centinela::net
