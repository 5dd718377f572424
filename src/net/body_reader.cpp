#include "net/body_reader.h"

#include "net/chunk_pool.h"
#include "net/deadline.h"

namespace centinela::net {
namespace {

// One read's worth: the most undecoded input a buffer ever holds.
constexpr std::size_t kReadSize = ChunkPool::kChunkSize;

}  // namespace

std::optional<BodyRead> BodyReader::read_buffered(std::span<char> out) {
  if (buffer_.size() != 0 && !decoder_.done()) {
    const auto data = buffer_.data();
    const auto step =
        decoder_.decode(std::string_view(static_cast<const char*>(data.data()), data.size()), out);
    buffer_.consume(step.consumed);
    consumed_ += step.consumed;
    if (decoder_.failed()) return BodyRead{0, BodyReadError::framing};
    if (step.produced != 0) return BodyRead{step.produced, BodyReadError::none};
  }
  if (decoder_.done()) return BodyRead{};
  return std::nullopt;
}

std::optional<BodyRead> BodyReader::read_buffered_in_place(std::size_t max) {
  if (buffer_.size() != 0 && !decoder_.done()) {
    const auto data = buffer_.data();
    std::string_view piece;
    const auto step = decoder_.decode_in_place(
        std::string_view(static_cast<const char*>(data.data()), data.size()), max, piece);
    // Consumed, not moved: the bytes stay put until the next prepare().
    buffer_.consume(step.consumed);
    consumed_ += step.consumed;
    if (decoder_.failed()) return BodyRead{0, BodyReadError::framing};
    if (!piece.empty()) return BodyRead{piece.size(), BodyReadError::none, piece.data()};
  }
  if (decoder_.done()) return BodyRead{};
  return std::nullopt;
}

asio::awaitable<BodyRead> BodyReader::read(std::span<char> out) {
  return read_until([this, out] { return read_buffered(out); });
}

asio::awaitable<BodyRead> BodyReader::read_in_place(std::size_t max) {
  return read_until([this, max] { return read_buffered_in_place(max); });
}

template <typename Take>
asio::awaitable<BodyRead> BodyReader::read_until(Take take) {
  for (;;) {
    if (const std::optional<BodyRead> buffered = take()) co_return *buffered;

    // Everything buffered was decoded: read more.
    SteadyTime now = SteadyClock::now();
    SteadyTime deadline = now + timeouts_.idle;
    if (decoder_.mid_line()) {
      if (!line_open_) {
        line_open_ = true;
        line_start_ = now;
      }
      deadline = std::min(deadline, line_start_ + timeouts_.line);
    } else {
      line_open_ = false;
    }
    watch_.arm(stream_.socket(), deadline);
    auto [ec, n] = co_await read_some(stream_, tls_, buffer_.prepare(kReadSize));
    watch_.disarm();
    buffer_.commit(n);
    if (ec == asio::error::eof) {
      decoder_.finish();  // an until-close body ends here
      if (decoder_.done()) co_return BodyRead{};
      co_return BodyRead{0, BodyReadError::closed};
    }
    if (ec) {
      if (!watch_.fired()) co_return BodyRead{0, BodyReadError::closed};
      co_return BodyRead{0, line_open_ ? BodyReadError::line_timeout : BodyReadError::idle_timeout};
    }
  }
}

}  // namespace centinela::net
