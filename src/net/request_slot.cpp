#include "net/request_slot.h"

namespace centinela::net {
namespace {

// Spare slots kept for the next busy connections; beyond that, memory goes
// back (a burst of connections should not pin its peak forever).
constexpr std::size_t kMaxKept = 32;
// A buffer that grew for an unusually large head or body read is not kept
// at that size.
constexpr std::size_t kMaxKeptBuffer = 64 * 1024;

// Beyond this a string's buffer is not kept (an unusually long user name).
constexpr std::size_t kMaxKeptString = 256;

void lend_one(std::string& kept, std::string& to) {
  kept.clear();
  to = std::move(kept);
}

void take_one(std::string& from, std::string& kept) {
  if (from.capacity() <= kMaxKeptString) kept = std::move(from);
}

}  // namespace

void ContextStrings::lend(stage::RequestContext& ctx) {
  lend_one(request_id, ctx.request_id);
  lend_one(trace_id, ctx.trace.trace_id);
  lend_one(span_id, ctx.trace.span_id);
  lend_one(user, ctx.user);
  lend_one(api_key, ctx.api_key);
  lend_one(client_ip, ctx.client_ip);
}

void ContextStrings::take_back(stage::RequestContext& ctx) {
  take_one(ctx.request_id, request_id);
  take_one(ctx.trace.trace_id, trace_id);
  take_one(ctx.trace.span_id, span_id);
  take_one(ctx.user, user);
  take_one(ctx.api_key, api_key);
  take_one(ctx.client_ip, client_ip);
}

SlotPool::Lease SlotPool::take() {
  if (free_.empty()) return Lease(this, std::make_unique<RequestSlot>());
  std::unique_ptr<RequestSlot> slot = std::move(free_.back());
  free_.pop_back();
  return Lease(this, std::move(slot));
}

void SlotPool::give_back(std::unique_ptr<RequestSlot> slot) {
  slot->end_request();
  slot->close_watch.forget();
  if (free_.size() >= kMaxKept) return;
  slot->buffer.clear();
  if (slot->buffer.capacity() > kMaxKeptBuffer) slot->buffer.shrink_to_fit();
  if (slot->response_head.capacity() > kMaxKeptBuffer) slot->response_head = std::string();
  if (slot->upstream_head.capacity() > kMaxKeptBuffer) slot->upstream_head = std::string();
  free_.push_back(std::move(slot));
}

}  // namespace centinela::net
