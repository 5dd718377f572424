#include "waf/view_arena.h"

#include <vector>

namespace centinela::waf {

namespace {

// Enough for the views a worker builds at once (one at a time but for those
// waiting for their body); past it an arena is freed. Each keeps only its
// 4 KiB inline block.
constexpr std::size_t kPooled = 16;

std::vector<std::unique_ptr<stage::Arena>>& pool() {
  thread_local std::vector<std::unique_ptr<stage::Arena>> arenas;
  return arenas;
}

}  // namespace

ViewArena acquire_view_arena() {
  auto& arenas = pool();
  if (arenas.empty()) return ViewArena(new stage::Arena);
  stage::Arena* arena = arenas.back().release();
  arenas.pop_back();
  return ViewArena(arena);
}

void ReleaseViewArena::operator()(stage::Arena* arena) const {
  std::unique_ptr<stage::Arena> owned(arena);
  owned->reset();
  auto& arenas = pool();
  if (arenas.size() < kPooled) arenas.push_back(std::move(owned));
}

}  // namespace centinela::waf
