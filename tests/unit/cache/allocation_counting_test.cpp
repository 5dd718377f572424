#include "allocation_counting.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

namespace centinela::cache::alloc_probe {
namespace {
thread_local AllocationCounts counts;
}  // namespace

AllocationCounts& allocation_counts() { return counts; }

}  // namespace centinela::cache::alloc_probe

void* operator new(std::size_t size) {
  auto& counts = centinela::cache::alloc_probe::allocation_counts();
  if (counts.counting) {
    ++counts.count;
    if (size > counts.largest) counts.largest = size;
  }
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace centinela::cache::alloc_probe {
namespace {

// The probe itself: the tests that rely on it must see every allocation.
TEST(AllocationCounting, SeesEveryAllocationOfTheScope) {
  std::size_t count = 0;
  std::size_t largest = 0;
  // Escapes keep the optimiser from eliding the allocations.
  const auto escape = [](void* p) { asm volatile("" : : "g"(p) : "memory"); };
  {
    CountAllocations scope;
    void* a = ::operator new(8);
    escape(a);
    void* b = ::operator new(300);
    escape(b);
    count = scope.count();
    largest = scope.largest();
    ::operator delete(a);
    ::operator delete(b);
  }
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(largest, 300u);
  void* after = ::operator new(16);  // not counted: the scope ended
  escape(after);
  ::operator delete(after);
  EXPECT_EQ(allocation_counts().count, 2u);
}

}  // namespace
}  // namespace centinela::cache::alloc_probe
