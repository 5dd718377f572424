#include "net/upstream_pool.h"

#include <sys/socket.h>

namespace centinela::net {
namespace {

// A kept connection is usable only if the server has neither closed it nor
// sent anything unasked; one non-blocking peek tells.
bool still_usable(tcp::socket& socket) {
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

std::optional<UpstreamConnection> UpstreamPool::take(const std::string& server,
                                                     std::chrono::milliseconds max_idle_time) {
  auto it = idle_.find(server);
  if (it == idle_.end()) return std::nullopt;
  auto& list = it->second;
  const SteadyTime now = SteadyClock::now();
  while (!list.empty()) {
    // Most recently used first: it is the least likely to have been closed.
    Idle idle = std::move(list.back());
    list.pop_back();
    const auto idle_for = now - idle.since;
    if (idle_for <= max_idle_time &&
        (idle_for < check_after_ || still_usable(idle.connection.socket))) {
      return std::move(idle.connection);
    }
    boost::system::error_code ignored;
    idle.connection.socket.close(ignored);
  }
  return std::nullopt;
}

void UpstreamPool::give_back(const std::string& server, UpstreamConnection connection,
                             unsigned max_idle) {
  auto& list = idle_[server];
  if (list.size() >= max_idle) {
    boost::system::error_code ignored;
    connection.socket.close(ignored);
    return;
  }
  list.push_back(Idle{std::move(connection), SteadyClock::now()});
}

void UpstreamPool::clear() { idle_.clear(); }

std::size_t UpstreamPool::idle_count() const {
  std::size_t n = 0;
  for (const auto& [server, list] : idle_) n += list.size();
  return n;
}

}  // namespace centinela::net
