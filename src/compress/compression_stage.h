// The compression stage: gives each client the representation its
// Accept-Encoding asks for, made from the identity body. The upstream is
// always asked for identity (the stage removes Accept-Encoding from the
// upstream request, never from the client's), so the cache keeps one
// representation and every coding is made from it:
// - an upstream body streams through an encoder piece by piece (a body of any
//   size; Content-Length dropped, the length is known only at the end);
// - a stored response (a cache hit) uses the entry's variant for the coding,
//   compressed once per entry and shared by every later hit, with its weak
//   ETag;
// - the gateway's own answers (errors, preflights) go as they are.
// Whether to compress follows the route's `compression` policy (q-values,
// types, min_size, no-transform, already-encoded bodies, 2xx but 204 and
// 206); a response whose coding depends on Accept-Encoding gets
// Vary: Accept-Encoding, and a compressed one a weakened ETag.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::compress {

// nullptr when the route's compression is off. `live_stats` (admin.live_stats):
// the bytes saved also go to the dashboard's per-second series; without, only
// to centinela_compression_saved_bytes_total.
std::unique_ptr<stage::Stage> make_compression_stage(const config::CompressionConfig& policy,
                                                     bool live_stats = true);

}  // namespace centinela::compress
