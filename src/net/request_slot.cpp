#include "net/request_slot.h"

namespace centinela::net {
namespace {

// Spare slots kept for the next busy connections; beyond that, memory goes
// back (a burst of connections should not pin its peak forever).
constexpr std::size_t kMaxKept = 32;
// A buffer that grew for an unusually large head or body read is not kept
// at that size.
constexpr std::size_t kMaxKeptBuffer = 64 * 1024;

}  // namespace

SlotPool::Lease SlotPool::take() {
  if (free_.empty()) return Lease(this, std::make_unique<RequestSlot>());
  std::unique_ptr<RequestSlot> slot = std::move(free_.back());
  free_.pop_back();
  return Lease(this, std::move(slot));
}

void SlotPool::give_back(std::unique_ptr<RequestSlot> slot) {
  slot->end_request();
  if (free_.size() >= kMaxKept) return;
  slot->buffer.clear();
  if (slot->buffer.capacity() > kMaxKeptBuffer) slot->buffer.shrink_to_fit();
  if (slot->response_head.capacity() > kMaxKeptBuffer) slot->response_head = std::string();
  if (slot->upstream_head.capacity() > kMaxKeptBuffer) slot->upstream_head = std::string();
  free_.push_back(std::move(slot));
}

}  // namespace centinela::net
