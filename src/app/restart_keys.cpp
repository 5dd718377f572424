#include "app/restart_keys.h"

namespace centinela::app {
namespace {

// The listening sockets: their addresses and what each speaks. (Certificates
// and TLS settings of a listener reload; see net/tls_*.)
std::vector<std::string> listener_keys(const std::vector<config::ListenerConfig>& listeners) {
  std::vector<std::string> keys;
  keys.reserve(listeners.size());
  for (const auto& listener : listeners) {
    keys.push_back(listener.endpoint.text + (listener.tls ? " tls" : "") +
                   (listener.http2 ? " http2" : ""));
  }
  return keys;
}

}  // namespace

std::vector<std::string_view> restart_only_changes(const config::Config& running,
                                                   const config::Config& next) {
  std::vector<std::string_view> changed;
  if (listener_keys(running.server.listen) != listener_keys(next.server.listen)) {
    changed.push_back("server.listen");
  }
  if (running.server.workers != next.server.workers) changed.push_back("server.workers");
  const auto admin_text = [](const config::Config& c) {
    return c.admin.listen ? c.admin.listen->text : std::string();
  };
  if (admin_text(running) != admin_text(next)) changed.push_back("admin.listen");
  if (running.cache.memory != next.cache.memory) changed.push_back("cache.memory");
  // The exporter's rings are made once, when tracing is first on.
  if (running.tracing && next.tracing && running.tracing->max_queue != next.tracing->max_queue) {
    changed.push_back("tracing.max_queue");
  }
  return changed;
}

}  // namespace centinela::app
