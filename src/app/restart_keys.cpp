#include "app/restart_keys.h"

namespace centinela::app {
namespace {

std::vector<std::string> endpoint_texts(const std::vector<config::Endpoint>& endpoints) {
  std::vector<std::string> texts;
  texts.reserve(endpoints.size());
  for (const auto& endpoint : endpoints) texts.push_back(endpoint.text);
  return texts;
}

}  // namespace

std::vector<std::string_view> restart_only_changes(const config::Config& running,
                                                   const config::Config& next) {
  std::vector<std::string_view> changed;
  if (endpoint_texts(running.server.listen) != endpoint_texts(next.server.listen)) {
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
