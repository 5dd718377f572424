// The modsecurity engine of a build without libmodsecurity: it never loads.
#include "modsec/modsec_engine.h"

namespace centinela::modsec {

struct Engine::Impl {
  std::shared_ptr<const RuleIndex> index = std::make_shared<const RuleIndex>();
};

bool available() { return false; }

std::string_view library_version() { return {}; }

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::shared_ptr<Engine> Engine::load(std::span<const std::string> /*files*/, std::string& error) {
  error =
      "waf.engine: modsecurity needs a build with libmodsecurity (install libmodsecurity-dev "
      "and rebuild); this binary has only the centinela engine";
  return nullptr;
}

std::string Engine::prepare(const config::Config& /*config*/) { return {}; }

std::unique_ptr<stage::Stage> Engine::make_stage(const config::RouteWafConfig& /*route_waf*/,
                                                 waf::OutcomeSettings /*settings*/) const {
  return nullptr;
}

const RuleIndex& Engine::index() const { return *impl_->index; }

std::string Engine::summary() const { return {}; }

}  // namespace centinela::modsec
