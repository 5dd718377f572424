// TEMPORARY, until routes own their pipeline::Chain (issue 12, b2-stages):
// the chain of a route whose filters are only static response headers and
// which neither caches nor compresses, so such routes already run through
// pipeline::run. Null for any other route (it takes the old path).
#pragma once

#include "pipeline/chain.h"

namespace centinela::proxy {
class Route;
class Runtime;
}  // namespace centinela::proxy

namespace centinela::net {

const pipeline::Chain* interim_chain(const std::shared_ptr<const proxy::Runtime>& runtime,
                                     const proxy::Route& route);

}  // namespace centinela::net
