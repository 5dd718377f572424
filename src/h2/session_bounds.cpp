#include "h2/session_bounds.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "h2/session_memory.h"

namespace centinela::h2 {

namespace {

struct OptionDeleter {
  void operator()(nghttp2_option* o) const { nghttp2_option_del(o); }
};

}  // namespace

SessionPtr make_server_session(const nghttp2_session_callbacks& callbacks, void* user_data,
                               const SessionBounds& bounds) {
  nghttp2_option* raw_option = nullptr;
  if (nghttp2_option_new(&raw_option) != 0) throw std::bad_alloc();
  std::unique_ptr<nghttp2_option, OptionDeleter> option(raw_option);
  nghttp2_option_set_no_auto_window_update(raw_option, 1);
  nghttp2_option_set_max_continuations(raw_option, bounds.max_continuations);
  nghttp2_option_set_stream_reset_rate_limit(raw_option, bounds.reset_burst, bounds.reset_rate);
  nghttp2_option_set_max_settings(raw_option, bounds.max_settings_entries);
  nghttp2_option_set_max_outbound_ack(raw_option, bounds.max_outbound_acks);
  // Closed streams are not kept for the priority tree: memory per cancelled
  // stream would otherwise outlive it.
  nghttp2_option_set_no_closed_streams(raw_option, 1);
  // The HPACK *encoder*'s dynamic table (the one our response heads are
  // compressed against): nghttp2 uses the smaller of this and the client's
  // SETTINGS_HEADER_TABLE_SIZE. The decoder's table is bounded by the
  // SETTINGS_HEADER_TABLE_SIZE we advertise below.
  nghttp2_option_set_max_deflate_dynamic_table_size(raw_option, bounds.header_table_size);

  nghttp2_session* raw = nullptr;
  // nghttp2 copies the allocator's struct; its functions keep no state in it.
  auto* memory = const_cast<nghttp2_mem*>(&session_memory());
  if (nghttp2_session_server_new3(&raw, &callbacks, user_data, raw_option, memory) != 0) {
    throw std::bad_alloc();
  }
  SessionPtr session(raw);
  const std::array<nghttp2_settings_entry, 4> settings = {{
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, bounds.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, bounds.max_header_list_size},
      {NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, bounds.header_table_size},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, bounds.initial_window_size},
  }};
  if (nghttp2_submit_settings(raw, NGHTTP2_FLAG_NONE, settings.data(), settings.size()) != 0) {
    throw std::runtime_error("nghttp2: cannot queue the server's SETTINGS");
  }
  return session;
}

bool FrameBudget::allow(std::uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  if (now_ms > last_ms_) {
    const std::uint64_t refill = (now_ms - last_ms_) * per_second_ / 1000;
    if (refill > 0) {
      tokens_ = std::min(burst_, tokens_ + refill);
      last_ms_ = now_ms;
    }
  }
  if (tokens_ == 0) return false;
  --tokens_;
  return true;
}

}  // namespace centinela::h2
