// A bounded single-producer single-consumer ring of span records: one per
// worker, filled by that worker, emptied by the exporter thread. No lock and
// no allocation after construction; a full ring refuses (the caller counts a
// drop) instead of growing or waiting.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tracing/span_record.h"

namespace centinela::tracing {

class SpanRing {
 public:
  explicit SpanRing(std::size_t capacity);
  SpanRing(const SpanRing&) = delete;
  SpanRing& operator=(const SpanRing&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  // Producer: the next free slot to fill, or null when the ring is full;
  // the record becomes visible to the consumer at publish().
  SpanRecord* claim() noexcept;
  void publish() noexcept;

  // Consumer: the records published and not yet released, oldest first,
  // `at(0)` .. `at(available() - 1)`; release(n) frees the n oldest.
  std::size_t available() const noexcept;
  const SpanRecord& at(std::size_t index) const noexcept;
  void release(std::size_t count) noexcept;

 private:
  std::size_t capacity_;
  std::unique_ptr<SpanRecord[]> slots_;
  // Positions count up forever; slot = position % capacity.
  alignas(64) std::atomic<std::uint64_t> write_{0};  // producer's
  alignas(64) std::atomic<std::uint64_t> read_{0};   // consumer's
};

}  // namespace centinela::tracing
