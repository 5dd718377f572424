// Requests a stage makes on its own, after the client was answered (the
// cache's refresh of a stale entry within stale-while-revalidate): they run
// through the same pipeline — the route's upstream, this stage's response
// side — into a downstream that discards. Provided per request by the
// protocol layer (net/), which knows the route; null where unsupported.
#pragma once

#include <functional>

#include "stage/request_context.h"

namespace centinela::stage {

class Stage;

class BackgroundRequests {
 public:
  virtual ~BackgroundRequests() = default;
  // Starts `head` to the upstream of the request `from` belongs to, with
  // `stage` as the only stage of its pipeline. `prepare` runs first on the new
  // request's context (before `stage` sees it), to give `stage` its state.
  virtual void start(const RequestContext& from, RequestHead head, Stage& stage,
                     std::function<void(RequestContext&)> prepare) = 0;
};

}  // namespace centinela::stage
