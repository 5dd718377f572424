// An HTTP/2 connection's writer: nghttp2's frames gathered into batches and
// written to the client's stream (h2_connection.h).
#include <boost/asio/write.hpp>

#include "config/config.h"
#include "net/client_connection.h"
#include "net/h2_connection.h"
#include "net/stream_io.h"

namespace centinela::net {
namespace {

// What the writer gathers from nghttp2 before a write: frames are small, a
// system call each would cost more than the copy.
constexpr std::size_t kWriteBatch = 64 * 1024;

}  // namespace

asio::awaitable<void> H2Connection::write_loop() {
  while (!dead_) {
    while (out_.size() < kWriteBatch) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session_.get(), &data);
      if (n < 0) dead_ = true;
      if (n <= 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (dead_) break;
    if (out_.empty()) {
      if (stopping_) break;
      write_wake_.expires_at(SteadyTime::max());
      writer_waiting_ = true;
      co_await write_wake_.async_wait(use_nothrow);
      writer_waiting_ = false;
      continue;
    }
    Stream stream = c_.stream();
    // Tried at once first (TLS takes a record a call): a batch the socket
    // takes whole, nearly every one, costs no reactor operation, posted
    // completion or deadline.
    // What went is counted, not erased: the batch moves only once, at its end.
    boost::system::error_code ec;
    std::size_t written = 0;
    for (std::size_t sent = 1; sent != 0 && written != out_.size() && !ec;) {
      const asio::const_buffer rest = asio::buffer(out_) + written;
      sent = write_now(stream, std::span(&rest, 1), ec);
      written += sent;
    }
    if (written == out_.size() && !ec) {
      out_.clear();
      continue;
    }
    bool timed_out = false;
    if (!ec) {
      write_watch_.arm(c_.socket, SteadyClock::now() + limits().idle_timeout);
      auto [write_ec, n] =
          co_await asio::async_write(stream, asio::buffer(out_) + written, use_nothrow);
      ec = write_ec;
      timed_out = write_watch_.fired();
      write_watch_.disarm();
      written += n;
    }
    out_.erase(0, written);
    // The drain's cancel of the reader's wait hits a write under way too:
    // it goes on.
    if (ec == asio::error::operation_aborted && !timed_out && !dead_) continue;
    if (ec) {
      dead_ = true;
      boost::system::error_code ignored;
      c_.socket.cancel(ignored);  // the reader ends too
    }
  }
  writer_running_ = false;
  done_wake_.cancel();
}

}  // namespace centinela::net
