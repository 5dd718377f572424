#include "h2/session_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace centinela::h2 {
namespace {

const nghttp2_mem& mem() { return session_memory(); }

void* take(std::size_t size) { return mem().malloc(size, mem().mem_user_data); }
void give(void* pointer) { mem().free(pointer, mem().mem_user_data); }

TEST(SessionMemory, BlocksAreAlignedWritableAndRecycled) {
  void* first = take(100);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % alignof(std::max_align_t), 0u);
  std::memset(first, 0xab, 100);
  give(first);
  // The same size class comes back from the thread's list.
  void* second = take(120);
  EXPECT_EQ(second, first);
  give(second);
  give(nullptr);  // as free(NULL)
}

TEST(SessionMemory, CallocZeroesReallocKeepsTheBytes) {
  auto* zeroed = static_cast<unsigned char*>(mem().calloc(10, 20, mem().mem_user_data));
  ASSERT_NE(zeroed, nullptr);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(zeroed[i], 0) << i;
  for (int i = 0; i < 200; ++i) zeroed[i] = static_cast<unsigned char>(i);
  // Within the class, then past it, then past the largest class.
  for (std::size_t size : {250u, 3000u, 100000u}) {
    zeroed = static_cast<unsigned char*>(mem().realloc(zeroed, size, mem().mem_user_data));
    ASSERT_NE(zeroed, nullptr);
    for (int i = 0; i < 200; ++i) ASSERT_EQ(zeroed[i], i) << size;
  }
  give(zeroed);
  EXPECT_EQ(mem().calloc(SIZE_MAX / 2, 4, mem().mem_user_data), nullptr);  // overflow
}

// A burst of blocks (a hundred streams ending at once, or a hostile client's
// thousands) leaves at most the bound per size behind, whatever the burst.
TEST(SessionMemory, KeptBlocksAreBoundedPerThread) {
  std::thread([] {
    std::vector<void*> blocks;
    for (int i = 0; i < 20000; ++i) blocks.push_back(take(24 + (i % 4) * 1000));
    for (void* block : blocks) give(block);
    const std::size_t kept = session_memory_kept();
    EXPECT_GT(kept, 0u);
    EXPECT_LT(kept, 2000u);
    for (int i = 0; i < 1000; ++i) give(take(5000));  // never kept: malloc's own
    EXPECT_EQ(session_memory_kept(), kept);
  }).join();
}

}  // namespace
}  // namespace centinela::h2
