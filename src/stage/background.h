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

// A fetch from the upstream that other requests wait on (the cache's request
// coalescing): one client's leaving must not end it for the others.
class SharedFetch {
 public:
  // Whether another request waits for this fetch's outcome now.
  virtual bool awaited() const = 0;

 protected:
  ~SharedFetch() = default;
};

class BackgroundRequests {
 public:
  virtual ~BackgroundRequests() = default;
  // Starts `head` to the upstream of the request `from` belongs to, with
  // `stage` as the only stage of its pipeline. `prepare` runs first on the new
  // request's context (before `stage` sees it), to give `stage` its state.
  virtual void start(const RequestContext& from, RequestHead head, Stage& stage,
                     std::function<void(RequestContext&)> prepare) = 0;

  // The fetch this request leads for others, while it does: work beyond
  // its own client, which goes on when that client leaves (fetch_awaited).
  const SharedFetch* shared_fetch = nullptr;
};

// Whether the request's upstream exchange must go on without its client:
// others wait on its fetch.
inline bool fetch_awaited(const RequestContext& ctx) {
  return ctx.background != nullptr && ctx.background->shared_fetch != nullptr &&
         ctx.background->shared_fetch->awaited();
}

}  // namespace centinela::stage
