#include "tls/upstream_contexts.h"

#include "tls/session_slot.h"

namespace centinela::tls {

UpstreamContexts make_upstream_contexts(const config::Config& config,
                                        const std::string& config_path,
                                        std::vector<config::ConfigError>& errors) {
  UpstreamContexts contexts;
  for (const auto& [name, upstream] : config.upstreams) {
    if (!upstream.tls) continue;
    std::string error;
    std::shared_ptr<ClientContext> context = ClientContext::make(*upstream.tls, error);
    if (context == nullptr) {
      errors.push_back(config::ConfigError{config_path, upstream.tls->line, 1,
                                           "upstreams." + name + ".tls: " + error});
      continue;
    }
    // Each worker keeps the last session per server and offers it again.
    remember_sessions(*context);
    contexts.emplace(name, std::move(context));
  }
  return contexts;
}

}  // namespace centinela::tls
