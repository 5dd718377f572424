// nghttp2's allocations for the sessions of one worker thread. nghttp2 takes a
// few small blocks for every stream and frame (the stream, its outbound
// items, a copy of the response head's list) and gives them back moments
// later; with ten or a hundred streams in flight that churn missed glibc's
// per-thread cache and cost hundreds of instructions a block. Here blocks
// of a few fixed sizes are recycled per thread, without locks (a worker's
// sessions live on its thread), up to a bound per size (kept memory per
// worker stays under ~0.6 MiB); bigger blocks (a session's own buffers) go
// straight to malloc.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>

namespace centinela::h2 {

// The allocator for nghttp2_session_server_new3 (nghttp2 copies the struct).
const nghttp2_mem& session_memory();

// For tests: blocks kept for reuse by this thread, of all sizes.
std::size_t session_memory_kept();

}  // namespace centinela::h2
