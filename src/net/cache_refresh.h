// Fetches that no client waits for: a stale-while-revalidate refresh. Runs on
// the worker like a connection (so a draining worker waits for it), with a
// request rebuilt from the one that found the stale entry.
#pragma once

#include <memory>
#include <string>

#include "cache/cache_entry.h"
#include "cache/coalescer.h"
#include "net/asio_fwd.h"
#include "net/cache_store_tap.h"

namespace centinela::proxy {
class Runtime;
class Route;
}  // namespace centinela::proxy

namespace centinela::net {

class Worker;

// `request_head`: the request as bytes ("GET /x HTTP/1.1\r\n...\r\n\r\n").
// Revalidates `stale` (conditional request) or fetches anew, stores the
// result, then finishes `flight`.
asio::awaitable<void> refresh_in_background(Worker& worker,
                                            std::shared_ptr<const proxy::Runtime> runtime,
                                            const proxy::Route* route, std::string request_head,
                                            EntryIdentity identity, cache::EntryPtr stale,
                                            std::unique_ptr<cache::Flight> flight);

// Puts a new or refreshed entry in L1 and, in the background, in L2.
void store_entry(Worker& worker, const cache::EntryPtr& entry);

// Takes the variant `entry` is out of L1 and, in the background, out of L2
// (a revalidation found it no longer storable).
void drop_entry(Worker& worker, const cache::EntryPtr& entry);

}  // namespace centinela::net
