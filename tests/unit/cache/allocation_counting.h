// One replacement of the global operator new for the whole unit_cache binary,
// measuring this thread's allocations while a test switches counting on.
#pragma once

#include <cstddef>

namespace centinela::cache::alloc_probe {

struct AllocationCounts {
  bool counting = false;
  std::size_t count = 0;    // allocations made while counting
  std::size_t largest = 0;  // the largest of them, in bytes
};

// This thread's counts.
AllocationCounts& allocation_counts();

// Counts the allocations of a scope on this thread.
class CountAllocations {
 public:
  CountAllocations() {
    auto& counts = allocation_counts();
    counts = AllocationCounts{};
    counts.counting = true;
  }
  ~CountAllocations() { allocation_counts().counting = false; }
  CountAllocations(const CountAllocations&) = delete;
  CountAllocations& operator=(const CountAllocations&) = delete;
  std::size_t count() const { return allocation_counts().count; }
  std::size_t largest() const { return allocation_counts().largest; }
};

}  // namespace centinela::cache::alloc_probe
