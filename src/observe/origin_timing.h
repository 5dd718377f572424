// One metric of the origin's Server-Timing as the gateway keeps it for a
// request: a name and the milliseconds the origin reported for it (the sum,
// when the response named it more than once). Views valid for the request.
#pragma once

#include <string_view>

namespace centinela::observe {

struct OriginTiming {
  std::string_view name;
  double dur_ms = 0;
};

}  // namespace centinela::observe
