#include "net/interim_chain.h"

#include <unordered_map>

#include "proxy/route.h"
#include "proxy/runtime.h"

namespace centinela::net {
namespace {

class StaticLinesStage final : public stage::Stage {
 public:
  explicit StaticLinesStage(const proxy::StaticResponseHeaders& headers) {
    headers_.lines = headers.lines;
    headers_.drops = headers.drops;
  }
  std::string_view name() const override { return "static-headers"; }
  const stage::StaticResponseHeaders* static_response_headers() const override {
    return &headers_;
  }

 private:
  stage::StaticResponseHeaders headers_;
};

struct Entry {
  std::shared_ptr<const proxy::Runtime> runtime;  // keeps the route (and its address) alive
  std::unique_ptr<pipeline::Chain> chain;         // null: the route needs the old path
};

}  // namespace

const pipeline::Chain* interim_chain(const std::shared_ptr<const proxy::Runtime>& runtime,
                                     const proxy::Route& route) {
  thread_local std::unordered_map<const proxy::Route*, Entry> chains;
  auto it = chains.find(&route);
  if (it == chains.end()) {
    Entry entry{runtime, nullptr};
    bool simple = !route.config().cache.enabled && !route.config().compression.enabled;
    std::vector<std::unique_ptr<stage::Stage>> stages;
    for (const auto& filter : route.filters()) {
      const auto* fixed = filter->static_response_headers();
      if (fixed == nullptr) {
        simple = false;
        break;
      }
      stages.push_back(std::make_unique<StaticLinesStage>(*fixed));
    }
    if (simple) entry.chain = std::make_unique<pipeline::Chain>(std::move(stages));
    it = chains.emplace(&route, std::move(entry)).first;
  }
  return it->second.chain.get();
}

}  // namespace centinela::net
