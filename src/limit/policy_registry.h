// The policies of the stages alive now (every config generation still
// serving requests), so the admin API can find a policy by name. Stages
// register when built and leave when destroyed; a mutex, never on the
// request path.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "limit/policy.h"

namespace centinela::limit {

struct RegisteredPolicy {
  std::string route;
  const Policy* policy = nullptr;
  const void* owner = nullptr;
};

class PolicyRegistry {
 public:
  static PolicyRegistry& global();

  void add(const void* owner, std::string route, const Policy* policy);
  void remove(const void* owner);
  // Calls `visit` for each registered policy named `name`, one per
  // (scope, algorithm): two config generations of one route count once.
  void for_each_named(std::string_view name,
                      const std::function<void(const RegisteredPolicy&)>& visit) const;

 private:
  mutable std::mutex mutex_;
  std::vector<RegisteredPolicy> entries_;
};

}  // namespace centinela::limit
