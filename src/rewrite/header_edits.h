// A route's header edits (set, add, remove) with their value templates
// parsed once, and their expansion for one request: variables' values are
// cleaned of control bytes, so no client-influenced value (a JWT's `sub`)
// can split a header line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/value_template.h"
#include "stage/request_context.h"

namespace centinela::rewrite {

struct TemplatedField {
  std::string name;
  config::ValueTemplate value;
};

struct HeaderEdits {
  explicit HeaderEdits(const config::HeaderEditsConfig& config);
  std::vector<TemplatedField> set;
  std::vector<TemplatedField> add;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && add.empty() && remove.empty(); }
};

// The value for this request, in the request's arena.
std::string_view expand(const config::ValueTemplate& value, const stage::RequestContext& ctx,
                        std::string_view route);

}  // namespace centinela::rewrite
