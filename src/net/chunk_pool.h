// Body relay buffers, recycled per worker so streaming a body allocates
// nothing in steady state (and nothing is zero-filled per request).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace centinela::net {

class ChunkPool {
 public:
  static constexpr std::size_t kChunkSize = 16 * 1024;

  class Lease {
   public:
    Lease(ChunkPool& pool, std::unique_ptr<char[]> chunk)
        : pool_(&pool), chunk_(std::move(chunk)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (chunk_) pool_->put(std::move(chunk_));
    }
    char* data() const { return chunk_.get(); }
    static constexpr std::size_t size() { return kChunkSize; }

   private:
    ChunkPool* pool_;
    std::unique_ptr<char[]> chunk_;
  };

  // The chunk kept in `kept`, taken from the pool the first time it is
  // wanted (a caller that may need none holds none).
  std::span<char> lend(std::optional<Lease>& kept) {
    if (!kept) kept.emplace(take());
    return {kept->data(), Lease::size()};
  }

  Lease take() {
    if (free_.empty()) return Lease(*this, std::unique_ptr<char[]>(new char[kChunkSize]));
    auto chunk = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(chunk));
  }

 private:
  static constexpr std::size_t kMaxKept = 256;  // beyond that, give memory back

  void put(std::unique_ptr<char[]> chunk) {
    if (free_.size() < kMaxKept) free_.push_back(std::move(chunk));
  }

  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace centinela::net
