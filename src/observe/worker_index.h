// Which worker thread is running, so per-worker state (metric shards, log
// buffers) can be picked without a lock or a lookup.
#pragma once

#include <cstddef>

namespace centinela::observe {

// Upper bound on worker threads that get a private slot; more workers (or any
// non-worker thread) share slot 0, which stays correct, merely contended.
inline constexpr std::size_t kMaxWorkers = 64;

// Called once by each worker thread with its index (0..kMaxWorkers-1).
// Out-of-range indices fall back to slot 0.
void set_worker_index(unsigned index);

// The calling thread's slot: its worker index, or 0 for threads that never
// called set_worker_index.
unsigned current_worker_index() noexcept;

}  // namespace centinela::observe
