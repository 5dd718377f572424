#include "limit/policy_registry.h"

#include <algorithm>
#include <set>

#include "limit/rate_limit_key.h"

namespace centinela::limit {

PolicyRegistry& PolicyRegistry::global() {
  static PolicyRegistry* registry = new PolicyRegistry();
  return *registry;
}

void PolicyRegistry::add(const void* owner, std::string route, const Policy* policy) {
  std::lock_guard lock(mutex_);
  entries_.push_back(RegisteredPolicy{std::move(route), policy, owner});
}

void PolicyRegistry::remove(const void* owner) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [owner](const RegisteredPolicy& entry) { return entry.owner == owner; });
}

void PolicyRegistry::for_each_named(
    std::string_view name, const std::function<void(const RegisteredPolicy&)>& visit) const {
  std::lock_guard lock(mutex_);
  std::set<std::string> seen;
  // Newest first: the current config's numbers describe the key.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->policy->name != name) continue;
    if (!seen.insert(key_scope(it->route, *it->policy)).second) continue;
    visit(*it);
  }
}

}  // namespace centinela::limit
