#include "net/upstream_pool.h"

#include <algorithm>

namespace centinela::net {

std::unique_ptr<UpstreamConnection> UpstreamPool::take(const std::string& server,
                                                       std::chrono::milliseconds max_idle_time,
                                                       SteadyTime now) {
  auto it = idle_.find(server);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  while (!list.empty()) {
    // Most recently used first: the least likely to be closed by its server.
    Idle idle = std::move(list.back());
    list.pop_back();
    if (now - idle.since <= max_idle_time) {
      idle.connection->take();
      return std::move(idle.connection);
    }
  }
  return nullptr;
}

void UpstreamPool::give_back(const std::string& server,
                             std::unique_ptr<UpstreamConnection> connection, unsigned max_idle,
                             std::chrono::milliseconds max_idle_time) {
  if (closed_) return;
  auto& list = idle_[server];
  const SteadyTime now = SteadyClock::now();
  // The oldest are at the front; those past their time go now, not at take().
  const auto expired = std::find_if(list.begin(), list.end(), [&](const Idle& idle) {
    return now - idle.since <= max_idle_time;
  });
  list.erase(list.begin(), expired);
  if (list.size() >= max_idle) return;  // closed as `connection` goes
  list.push_back(Idle{std::move(connection), now});
  list.back().connection->watch(*this);
}

void UpstreamPool::evict(const UpstreamConnection& connection) {
  for (auto& [server, list] : idle_) {
    const auto it = std::find_if(list.begin(), list.end(), [&](const Idle& idle) {
      return idle.connection.get() == &connection;
    });
    if (it != list.end()) {
      list.erase(it);
      return;
    }
  }
}

void UpstreamPool::close() {
  closed_ = true;
  idle_.clear();
}

std::size_t UpstreamPool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [server, list] : idle_) n += list.size();
  return n;
}

}  // namespace centinela::net
