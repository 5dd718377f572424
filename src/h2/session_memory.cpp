#include "h2/session_memory.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace centinela::h2 {
namespace {

// Size classes: 32 << k bytes of payload, k < kClasses (32 B .. 4 KiB).
constexpr std::size_t kClasses = 8;
constexpr std::size_t kSmallest = 32;
constexpr std::uint32_t kLarge = kClasses;  // not recycled: malloc's
// What one class may keep: 64 KiB of blocks, and at least 16 of them.
constexpr std::size_t kKeptBytes = 64 * 1024;
constexpr std::size_t kMinKept = 16;

// Before every block: its class (and a large one's size), keeping the payload
// aligned as malloc's is.
struct alignas(alignof(std::max_align_t)) Header {
  std::size_t size;  // payload bytes
  std::uint32_t size_class;
};
constexpr std::size_t kHeader = sizeof(Header);

constexpr std::size_t payload_of(std::uint32_t size_class) { return kSmallest << size_class; }

constexpr std::size_t kept_max(std::uint32_t size_class) {
  const std::size_t by_bytes = kKeptBytes / (payload_of(size_class) + kHeader);
  return by_bytes > kMinKept ? by_bytes : kMinKept;
}

std::uint32_t class_of(std::size_t size) {
  if (size <= kSmallest) return 0;
  const auto k =
      static_cast<std::uint32_t>(std::bit_width(size - 1) - std::bit_width(kSmallest - 1));
  return k < kClasses ? k : kLarge;
}

Header* header_of(void* pointer) {
  return reinterpret_cast<Header*>(static_cast<char*>(pointer) - kHeader);
}

// A block of malloc's with our header (a large one, or any once the thread's
// pool is gone).
void* allocate_plain(std::size_t payload, std::uint32_t size_class) {
  void* raw = std::malloc(kHeader + payload);
  if (raw == nullptr) return nullptr;
  auto* header = static_cast<Header*>(raw);
  header->size = payload;
  header->size_class = size_class;
  return static_cast<char*>(raw) + kHeader;
}

struct FreeBlock {
  FreeBlock* next;
};

// One per thread. Trivially destructible state plus a destructor that gives
// the kept blocks back; after it ran (thread exit), blocks go to free().
class Pool {
 public:
  ~Pool() {
    for (FreeBlock*& head : free_) {
      while (head != nullptr) {
        FreeBlock* next = head->next;
        std::free(reinterpret_cast<char*>(head) - kHeader);
        head = next;
      }
    }
    dead_ = true;
  }

  void* allocate(std::size_t size) {
    const std::uint32_t k = class_of(size);
    if (k < kClasses && free_[k] != nullptr) {
      FreeBlock* block = free_[k];
      free_[k] = block->next;
      --kept_[k];
      return block;
    }
    return k < kClasses ? allocate_plain(payload_of(k), k) : allocate_plain(size, kLarge);
  }

  void release(void* pointer) {
    if (pointer == nullptr) return;
    Header* header = header_of(pointer);
    const std::uint32_t k = header->size_class;
    if (k == kLarge || dead_ || kept_[k] >= kept_max(k)) {
      std::free(header);
      return;
    }
    auto* block = static_cast<FreeBlock*>(pointer);
    block->next = free_[k];
    free_[k] = block;
    ++kept_[k];
  }

  std::size_t kept() const {
    std::size_t n = 0;
    for (std::size_t k : kept_) n += k;
    return n;
  }

  static bool dead() { return dead_; }

 private:
  std::array<FreeBlock*, kClasses> free_{};
  std::array<std::size_t, kClasses> kept_{};
  static thread_local bool dead_;
};

thread_local bool Pool::dead_ = false;

Pool& pool() {
  static thread_local Pool instance;
  return instance;
}

// Once the thread's pool is gone (a session freed during thread exit),
// blocks are malloc's and go back to it.
void* on_malloc(std::size_t size, void* /*user_data*/) {
  return Pool::dead() ? allocate_plain(size, kLarge) : pool().allocate(size);
}

void on_free(void* pointer, void* /*user_data*/) {
  if (!Pool::dead()) {
    pool().release(pointer);
  } else if (pointer != nullptr) {
    std::free(header_of(pointer));
  }
}

void* on_calloc(std::size_t count, std::size_t size, void* user_data) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  void* pointer = on_malloc(count * size, user_data);
  if (pointer != nullptr) std::memset(pointer, 0, count * size);
  return pointer;
}

void* on_realloc(void* pointer, std::size_t size, void* user_data) {
  if (pointer == nullptr) return on_malloc(size, user_data);
  Header* header = header_of(pointer);
  if (size <= header->size) return pointer;
  void* grown = on_malloc(size, user_data);
  if (grown == nullptr) return nullptr;
  std::memcpy(grown, pointer, header->size);
  on_free(pointer, user_data);
  return grown;
}

const nghttp2_mem kMemory = {nullptr, on_malloc, on_free, on_calloc, on_realloc};

}  // namespace

const nghttp2_mem& session_memory() { return kMemory; }

std::size_t session_memory_kept() { return pool().kept(); }

}  // namespace centinela::h2
