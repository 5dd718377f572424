#include "pipeline/buffered_body.h"

#include <algorithm>
#include <cstring>

namespace centinela::pipeline {

boost::asio::awaitable<stage::BodyRead> BufferedBody::read(std::span<char> into) {
  if (!buffered_.empty()) {
    const std::size_t n = std::min(into.size(), buffered_.size());
    std::memcpy(into.data(), buffered_.data(), n);
    buffered_.remove_prefix(n);
    co_return stage::BodyRead{n};
  }
  co_return co_await source_.read(into);
}

boost::asio::awaitable<stage::BodyRead> read_ahead(stage::RequestBody& body, stage::Arena& arena,
                                                   std::size_t bound, std::string_view& out,
                                                   bool& complete) {
  complete = !body.present() || body.done();
  out = {};
  if (complete || bound == 0) co_return stage::BodyRead{};
  const std::size_t capacity =
      body.length() ? static_cast<std::size_t>(std::min<std::uint64_t>(*body.length(), bound))
                    : bound;
  auto* buffer = static_cast<char*>(arena.allocate(capacity, 1));
  std::size_t filled = 0;
  while (filled < capacity && !body.done()) {
    const stage::BodyRead read =
        co_await body.read(std::span<char>(buffer + filled, capacity - filled));
    if (read.error != stage::BodyError::none) {
      out = std::string_view(buffer, filled);
      co_return read;
    }
    filled += read.size;
    if (read.size == 0 && !body.done()) break;  // defensive: a source that stalls
  }
  out = std::string_view(buffer, filled);
  complete = body.done();
  co_return stage::BodyRead{filled};
}

}  // namespace centinela::pipeline
