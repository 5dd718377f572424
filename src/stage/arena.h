// Memory that lives exactly as long as one request: the state stages keep
// for it and the field values they make. Bump allocation in an inline block;
// further blocks only for unusually large requests; everything is released,
// destructors run, when the request ends. The request path allocates nothing
// for these in steady state.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace centinela::stage {

class Arena {
 public:
  static constexpr std::size_t kInlineBytes = 4096;

  Arena() = default;
  ~Arena() { reset(); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(std::size_t size, std::size_t align);

  // A copy of `text` that stays valid until reset().
  std::string_view copy(std::string_view text);

  // A T that is destroyed by reset() (in reverse order of creation).
  template <typename T, typename... Args>
  T& make(Args&&... args) {
    void* place = allocate(sizeof(T), alignof(T));
    T* object = new (place) T(std::forward<Args>(args)...);
    if constexpr (!std::is_trivially_destructible_v<T>) {
      remember(object, [](void* p) { static_cast<T*>(p)->~T(); });
    }
    return *object;
  }

  // Destroys what make() built and forgets every allocation.
  void reset();

  // Bytes handed out since the last reset (for tests and bounds).
  std::size_t used() const { return used_; }

 private:
  struct Finalizer {
    void (*destroy)(void*);
    void* object;
    Finalizer* next;
  };
  void remember(void* object, void (*destroy)(void*));

  alignas(std::max_align_t) std::byte inline_[kInlineBytes];
  std::byte* cursor_ = inline_;
  std::byte* end_ = inline_ + kInlineBytes;
  std::vector<std::unique_ptr<std::byte[]>> extra_;
  Finalizer* finalizers_ = nullptr;
  std::size_t used_ = 0;
};

}  // namespace centinela::stage
