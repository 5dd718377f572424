// The arenas request views are built in: a few kept per worker thread, each
// given back (reset, its extra blocks freed) as soon as the WAF stage has its
// verdict. A view holds a copy of the inspected body and of every argument,
// name and decoded text, many times a JSON body's size; in the request's own
// arena it would stay until the response ended, held by every request that
// waits for its upstream or for a slow client.
#pragma once

#include <memory>

#include "stage/arena.h"

namespace centinela::waf {

struct ReleaseViewArena {
  void operator()(stage::Arena* arena) const;
};
using ViewArena = std::unique_ptr<stage::Arena, ReleaseViewArena>;

// From this thread's pool (or a new one); empty, ready for a view.
ViewArena acquire_view_arena();

}  // namespace centinela::waf
