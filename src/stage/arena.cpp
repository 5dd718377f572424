#include "stage/arena.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace centinela::stage {

void* Arena::allocate(std::size_t size, std::size_t align) {
  auto aligned = [align](std::byte* p) {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    return reinterpret_cast<std::byte*>((address + align - 1) & ~(std::uintptr_t{align} - 1));
  };
  std::byte* start = aligned(cursor_);
  if (start + size > end_) {
    // A new block for this and what follows; the old block's rest is lost
    // until reset (rare: only requests with unusually much state, or a
    // body). Not zeroed: every allocation is written before it is read
    // (inline_ is not cleared on reset either).
    const std::size_t block = std::max<std::size_t>(size + align, kInlineBytes * 2);
    extra_.push_back(std::make_unique_for_overwrite<std::byte[]>(block));
    cursor_ = extra_.back().get();
    end_ = cursor_ + block;
    start = aligned(cursor_);
  }
  cursor_ = start + size;
  used_ += size;
  return start;
}

std::string_view Arena::copy(std::string_view text) {
  if (text.empty()) return {};
  auto* place = static_cast<char*>(allocate(text.size(), 1));
  std::memcpy(place, text.data(), text.size());
  return {place, text.size()};
}

void Arena::remember(void* object, void (*destroy)(void*)) {
  auto* finalizer = static_cast<Finalizer*>(allocate(sizeof(Finalizer), alignof(Finalizer)));
  *finalizer = Finalizer{destroy, object, finalizers_};
  finalizers_ = finalizer;
}

void Arena::reset() {
  while (finalizers_ != nullptr) {
    Finalizer* next = finalizers_->next;
    finalizers_->destroy(finalizers_->object);
    finalizers_ = next;
  }
  extra_.clear();
  cursor_ = inline_;
  end_ = inline_ + kInlineBytes;
  used_ = 0;
}

}  // namespace centinela::stage
