// A request body whose first bytes were read ahead (for a stage that asked
// to see them): yields those bytes, then the rest from the original source.
#pragma once

#include <string_view>

#include "stage/arena.h"
#include "stage/request_body.h"

namespace centinela::pipeline {

class BufferedBody final : public stage::RequestBody {
 public:
  BufferedBody(stage::RequestBody& source, std::string_view buffered)
      : source_(source), buffered_(buffered) {}

  bool present() const override { return source_.present(); }
  std::optional<std::uint64_t> length() const override { return source_.length(); }
  bool done() const override { return buffered_.empty() && source_.done(); }
  bool started() const override { return source_.started(); }
  boost::asio::awaitable<stage::BodyRead> read(std::span<char> into) override;
  std::string_view trailers() const override { return source_.trailers(); }

 private:
  stage::RequestBody& source_;
  std::string_view buffered_;  // what is left of the read-ahead
};

// Reads up to `bound` bytes of `body` into `out` (in `arena`); `complete` is
// set when that was all of it.
boost::asio::awaitable<stage::BodyRead> read_ahead(stage::RequestBody& body, stage::Arena& arena,
                                                   std::size_t bound, std::string_view& out,
                                                   bool& complete);

}  // namespace centinela::pipeline
