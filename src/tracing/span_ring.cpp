#include "tracing/span_ring.h"

#include <algorithm>

namespace centinela::tracing {

SpanRing::SpanRing(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)),
      slots_(std::make_unique<SpanRecord[]>(capacity_)) {}

SpanRecord* SpanRing::claim() noexcept {
  const std::uint64_t write = write_.load(std::memory_order_relaxed);
  if (write - read_.load(std::memory_order_acquire) >= capacity_) return nullptr;
  return &slots_[write % capacity_];
}

void SpanRing::publish() noexcept {
  write_.store(write_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

std::size_t SpanRing::available() const noexcept {
  return static_cast<std::size_t>(write_.load(std::memory_order_acquire) -
                                  read_.load(std::memory_order_relaxed));
}

const SpanRecord& SpanRing::at(std::size_t index) const noexcept {
  return slots_[(read_.load(std::memory_order_relaxed) + index) % capacity_];
}

void SpanRing::release(std::size_t count) noexcept {
  read_.store(read_.load(std::memory_order_relaxed) + count, std::memory_order_release);
}

}  // namespace centinela::tracing
